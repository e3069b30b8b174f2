"""Local processes that end with their worker, and leave nothing behind when killed.

A task's process leads a new session (so a process group of its own) and gets a parent-death
signal: it dies with the worker that started it. Each one also goes into a cgroup of its own
when this host has a writable cgroup v2 hierarchy, so that a kill (``cgroup.kill``) reaches
whatever it started, ``setsid`` or double fork included. Without one, its sessions and process
groups are tracked: those of every descendant seen while it runs, and of every process found
under it at the kill, killed until none is left.

What is not killed by a parent-death signal (the children of a killed shell) is killed by a
guard: one small process per worker process, which reads the worker's registry of live
processes when the worker's end of a pipe closes, that is when the worker is gone, whatever
killed it. A worker killed together with its guard leaves its registry on disk: the next
Tiercel process started on the host (``reap_orphans``) kills what it lists before any task
run is retried (``process_guard`` is the part that does it).
"""

import atexit
import contextlib
import ctypes
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import IO, Any

from tiercel.host import process_guard as guard

_PR_SET_PDEATHSIG = 1
_PR_SET_CHILD_SUBREAPER = 36
_STATE_DIR_VARIABLE = "TIERCEL_PROCESS_STATE_DIR"
_CGROUP_VARIABLE = "TIERCEL_PROCESS_CGROUPS"
"""``off`` turns the cgroup tracking off (the session bookkeeping is used instead)."""
_SCAN_EVERY = 0.25
"""How often, without a cgroup, the descendants of a running process are looked up."""


def state_dir() -> Path:
    """Where the registries of this host's workers are written (one file per worker)."""
    configured = os.environ.get(_STATE_DIR_VARIABLE)
    if configured:
        return Path(configured)
    return Path(tempfile.gettempdir()) / f"tiercel-processes-{os.getuid()}"


def _cgroup_root() -> Path | None:
    """A writable folder of the cgroup v2 hierarchy where this process may make cgroups."""
    if os.environ.get(_CGROUP_VARIABLE, "").lower() in ("off", "0", "false", "no"):
        return None
    try:
        mounts = Path("/proc/self/mountinfo").read_text().splitlines()
        own = next(
            line[3:] for line in Path("/proc/self/cgroup").read_text().splitlines()
            if line.startswith("0::")
        )  # fmt: skip
    except (OSError, StopIteration):
        return None
    for line in mounts:
        left, _, right = line.partition(" - ")
        if right.split(" ")[:1] == ["cgroup2"]:
            root = Path(left.split(" ")[4]) / own.lstrip("/")
            if (root / "cgroup.procs").exists() and os.access(root, os.W_OK):
                return root
    return None


# --- registries ----------------------------------------------------------------------------------


def reap_orphans() -> int:
    """Kill what the workers of this host that are gone (without their guard) left running;
    how many recorded processes were still live. Call it before retrying their task runs."""
    folder = state_dir()
    if not folder.is_dir():
        return 0
    reaped = 0
    for registry in folder.glob("*.procs"):
        owner = guard.registry_owner(registry)
        if owner is not None and not guard.alive(*owner):
            reaped += guard.reap_registry(registry)
    return reaped


# --- the tracker of this worker ------------------------------------------------------------------


class _Tracker:
    """The registry, guard and cgroups of this worker process."""

    def __init__(self) -> None:
        self.pid = os.getpid()
        start = guard.start_time(self.pid) or 0
        folder = state_dir()
        folder.mkdir(parents=True, exist_ok=True)
        self.registry = folder / f"{self.pid}-{start}.procs"
        self._lock = threading.Lock()
        self._scanned = 0.0
        self.watched: set[TrackedProcess] = set()
        """The processes without a cgroup, whose descendants ``scan`` notes."""
        self._file = open(self.registry, "a", buffering=1)  # noqa: SIM115 - lives with the process
        self.cgroup: Path | None = None
        root = _cgroup_root()
        if root is not None:
            base = root / f"tiercel-{self.pid}-{start}"
            try:
                base.mkdir(exist_ok=True)
                self.cgroup = base
                self._write(f"cgroup {base}")
            except OSError:
                self.cgroup = None
        self._guard = self._start_guard()
        atexit.register(self.close)
        if sys.platform.startswith("linux"):
            # Orphans of task processes come back to this process, not to init: the session
            # bookkeeping still finds them below it.
            with contextlib.suppress(OSError, AttributeError):
                _libc().prctl(_PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)

    def _start_guard(self) -> "subprocess.Popen[bytes] | None":
        try:
            return subprocess.Popen(
                [sys.executable, "-I", "-S", guard.__file__, str(self.registry)],
                stdin=subprocess.PIPE,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,
            )
        except OSError:
            return None  # the registry stays, for reap_orphans

    def close(self) -> None:
        """This process ends: its guard kills what is left and deletes the registry."""
        with self._lock:
            self._file.close()
        if self._guard is not None and self._guard.stdin is not None:
            self._guard.stdin.close()
            with contextlib.suppress(subprocess.TimeoutExpired):
                self._guard.wait(5.0)

    def _write(self, line: str) -> None:
        with self._lock:
            if not self._file.closed:
                self._file.write(line + "\n")

    def added(self, pid: int, start: int, cgroup: Path | None) -> None:
        self._write(f"+ {pid} {start} {cgroup or '-'}")

    def scan(self) -> None:
        """Look at the process table for every live tracked process, at most so often."""
        with self._lock:
            if time.monotonic() - self._scanned < _SCAN_EVERY:
                return
            self._scanned = time.monotonic()
            watched = list(self.watched)
        table = {pid: stat for pid in guard.all_pids() if (stat := guard.stat(pid)) is not None}
        for tracked in watched:
            tracked._update(table)

    def noted(self, root: int, leaders: Mapping[int, int]) -> None:
        for leader, start in leaders.items():
            self._write(f"g {root} {leader} {start}")

    def removed(self, pid: int) -> None:
        self._write(f"- {pid}")


_tracker: _Tracker | None = None
_tracker_lock = threading.Lock()


def _current_tracker() -> _Tracker:
    global _tracker
    with _tracker_lock:
        if _tracker is None or _tracker.pid != os.getpid():  # a forked child needs its own
            _tracker = _Tracker()
        return _tracker


_LIBC: list[Any] = []


def _libc() -> Any:
    if not _LIBC:
        _LIBC.append(ctypes.CDLL(None, use_errno=True))
    return _LIBC[0]


def _preexec(parent: int, cgroup_procs: str | None) -> Callable[[], None]:
    """What the child does between fork and exec: die with its parent; join its cgroup."""
    prctl = _libc().prctl if sys.platform.startswith("linux") else None

    def setup() -> None:
        if prctl is not None:
            prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
            if os.getppid() != parent:
                os._exit(137)  # the parent died before the signal was armed
        if cgroup_procs is not None:
            with contextlib.suppress(OSError):
                fd = os.open(cgroup_procs, os.O_WRONLY)
                try:
                    os.write(fd, b"0")
                finally:
                    os.close(fd)

    return setup


class TrackedProcess:
    """A process started by ``start``: its ``popen``, and what it started."""

    def __init__(self, popen: "subprocess.Popen[bytes]", cgroup: Path | None) -> None:
        self.popen = popen
        self.cgroup = cgroup
        self._groups = {popen.pid}
        self._sessions = {popen.pid}
        self._seen: set[int] = set()
        if cgroup is None:
            tracker = _current_tracker()
            with tracker._lock:
                tracker.watched.add(self)

    def watch(self) -> None:
        """Note the sessions and groups of its descendants (without a cgroup only): a child
        that leaves the session with ``setsid`` is still found at the kill. One look at the
        process table serves every process this worker runs."""
        if self.cgroup is None:
            _current_tracker().scan()

    def _update(self, table: Mapping[int, tuple[int, int, int, int]]) -> None:
        below = {self.popen.pid} | self._seen
        grew = True
        while grew:
            grew = False
            for pid, (ppid, _pgid, sid, _start) in table.items():
                if pid not in below and (ppid in below or sid in self._sessions):
                    below.add(pid)
                    grew = True
        fresh: dict[int, int] = {}
        for pid in below & set(table):
            _ppid, pgid, sid, _start = table[pid]
            for leader in (pgid, sid):
                if leader not in self._groups and leader not in self._sessions:
                    leader_stat = table.get(leader)
                    fresh[leader] = leader_stat[3] if leader_stat else 0
            self._groups.add(pgid)
            self._sessions.add(sid)
        self._seen = below & set(table)
        if fresh:  # written down for the guard, which kills them if the worker dies
            _current_tracker().noted(self.popen.pid, fresh)

    def kill(self) -> None:
        """SIGKILL the process and everything it started; reap it."""
        if self.cgroup is not None:
            guard.kill_cgroup(self.cgroup)
        guard.kill_tree({self.popen.pid} | self._seen, self._groups, self._sessions)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.popen.pid, signal.SIGKILL)
        self.popen.wait()

    def terminate(self) -> None:
        """SIGTERM the process group, to let it end cleanly."""
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.popen.pid, signal.SIGTERM)

    def release(self) -> None:
        """It has ended: forget it (what it left running in the background is left alone,
        unless the worker dies)."""
        tracker = _current_tracker()
        with tracker._lock:
            tracker.watched.discard(self)
        tracker.removed(self.popen.pid)
        if self.cgroup is not None:
            guard.remove_cgroup(self.cgroup)


def start(
    args: Sequence[str],
    *,
    cwd: Path,
    env: Mapping[str, str],
    stdout: int | IO[Any] | None = subprocess.PIPE,
    stderr: int | IO[Any] | None = subprocess.PIPE,
) -> TrackedProcess:
    """Start ``args`` as a tracked process: its own session, killed with its parent, in a
    cgroup of its own when possible, recorded in this worker's registry.

    Raises:
        OSError: the process cannot be started.
    """
    tracker = _current_tracker()
    cgroup: Path | None = None
    if tracker.cgroup is not None:
        cgroup = tracker.cgroup / uuid.uuid4().hex[:16]
        try:
            cgroup.mkdir()
        except OSError:
            cgroup = None
    procs = str(cgroup / "cgroup.procs") if cgroup is not None else None
    try:
        popen = subprocess.Popen(
            list(args),
            cwd=cwd,
            env=dict(env),
            stdin=subprocess.DEVNULL,
            stdout=stdout,
            stderr=stderr,
            start_new_session=True,
            preexec_fn=_preexec(os.getpid(), procs),  # only system calls: fork-safe
        )
    except BaseException:
        if cgroup is not None:
            guard.remove_cgroup(cgroup)
        raise
    if (
        cgroup is not None
        and guard.stat(popen.pid) is not None
        and str(popen.pid) not in _read(cgroup / "cgroup.procs").split()
    ):
        guard.remove_cgroup(cgroup)  # not allowed to join it: the session bookkeeping is used
        cgroup = None
    tracker.added(popen.pid, guard.start_time(popen.pid) or 0, cgroup)
    return TrackedProcess(popen, cgroup)


def _read(path: Path) -> str:
    try:
        return path.read_text()
    except OSError:
        return ""


def tracking() -> str:
    """How this worker tracks what its processes start: ``cgroup`` or ``session``."""
    return "cgroup" if _current_tracker().cgroup is not None else "session"
