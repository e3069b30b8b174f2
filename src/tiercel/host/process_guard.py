"""The part of process tracking that outlives a worker: reading the process table, killing
what a registry lists, and the guard that does it when its worker is gone.

Run as a script (``python process_guard.py REGISTRY``) this module is the guard of one worker:
it uses the standard library only, so that it starts in milliseconds.
"""

import contextlib
import os
import signal
import sys
import time
from pathlib import Path


def stat(pid: int) -> tuple[int, int, int, int] | None:
    """(parent pid, process group, session, start time) of a live process; None if gone."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as file:
            data = file.read()
    except OSError:
        return None
    fields = data[data.rfind(b")") + 2 :].split()
    if fields[0] in (b"Z", b"X"):
        return None  # ended, not yet reaped: nothing to kill
    return int(fields[1]), int(fields[2]), int(fields[3]), int(fields[19])


def all_pids() -> list[int]:
    try:
        return [int(name) for name in os.listdir("/proc") if name.isdigit()]
    except OSError:
        return []


def start_time(pid: int) -> int | None:
    row = stat(pid)
    return None if row is None else row[3]


def alive(pid: int, start: int) -> bool:
    """Whether ``pid`` is still the process that started at ``start`` (pids are reused)."""
    return start_time(pid) == start


def kill(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.kill(pid, signal.SIGKILL)


def kill_tree(pids: set[int], groups: set[int], sessions: set[int]) -> set[int]:
    """SIGKILL every process in ``groups`` or ``sessions`` or below one of ``pids``, again
    until none is found (one may fork while the others die); the pids killed."""
    killed: set[int] = set()
    for _ in range(50):
        found = set()
        table = {pid: row for pid in all_pids() if (row := stat(pid)) is not None}
        for pid, (_ppid, pgid, sid, _start) in table.items():
            if pid in pids or pgid in groups or sid in sessions:
                found.add(pid)
        grew = True
        while grew:  # descendants of what was found, whatever their session
            grew = False
            for pid, (ppid, _pgid, _sid, _start) in table.items():
                if ppid in found and pid not in found:
                    found.add(pid)
                    grew = True
        found.discard(os.getpid())
        if not found:
            break
        for pid in found:
            row = table[pid]
            groups.add(row[1])
            sessions.add(row[2])
            kill(pid)
        killed |= found
        pids |= found
        time.sleep(0.01)
    return killed


# --- cgroups -------------------------------------------------------------------------------------


def kill_cgroup(path: Path) -> None:
    """Kill every process in the cgroup ``path`` (and below it), then remove it."""
    kill_file = path / "cgroup.kill"
    for _ in range(50):
        if kill_file.exists():
            with contextlib.suppress(OSError):
                kill_file.write_text("1")
        pids: set[int] = set()
        for procs in path.rglob("cgroup.procs"):
            with contextlib.suppress(OSError):
                pids.update(int(pid) for pid in procs.read_text().split())
        for pid in pids:
            kill(pid)  # kernels before 5.14 have no cgroup.kill
        if not pids and remove_cgroup(path):
            return
        time.sleep(0.01)


def remove_cgroup(path: Path) -> bool:
    """Remove an empty cgroup and its empty children; whether it is gone."""
    if not path.exists():
        return True
    for child in sorted(path.rglob("*"), key=lambda p: len(p.parts), reverse=True):
        if child.is_dir():
            with contextlib.suppress(OSError):
                child.rmdir()
    with contextlib.suppress(OSError):
        path.rmdir()
    return not path.exists()


# --- registries ----------------------------------------------------------------------------------


def reap_registry(registry: Path) -> int:
    """Kill what a gone worker's registry lists as live, remove its cgroups, delete it;
    how many processes it listed as live."""
    live: dict[int, tuple[int, str]] = {}
    noted: dict[int, dict[int, int]] = {}
    """Groups and sessions seen below each live process: their leader's start time."""
    cgroup_base = ""
    try:
        lines = registry.read_text().splitlines()
    except OSError:
        return 0
    for line in lines:
        parts = line.split(" ")
        if parts[0] == "cgroup" and len(parts) == 2:
            cgroup_base = parts[1]
        elif parts[0] == "+" and len(parts) == 4:
            live[int(parts[1])] = (int(parts[2]), parts[3])
        elif parts[0] == "-" and len(parts) >= 2:
            live.pop(int(parts[1]), None)
            noted.pop(int(parts[1]), None)
        elif parts[0] == "g" and len(parts) == 4:
            noted.setdefault(int(parts[1]), {})[int(parts[2])] = int(parts[3])
    pids = {pid for pid, (start, _) in live.items() if alive(pid, start)}
    # A killed shell's children are no longer below it: they are found by the group and
    # session it led, unless its pid now names another process (whose own group it would be).
    reused = {pid for pid in live if pid not in pids and stat(pid) is not None}
    ids = set(live) - reused
    for root in live:
        for leader, start in noted.get(root, {}).items():
            if start_time(leader) in (None, start):
                ids.add(leader)
    kill_tree(pids, set(ids), set(ids))
    if cgroup_base:
        kill_cgroup(Path(cgroup_base))
    with contextlib.suppress(OSError):
        registry.unlink()
    return len(live)


def registry_owner(registry: Path) -> tuple[int, int] | None:
    """(pid, start time) of the worker that writes ``registry``, from its name."""
    pid, _, start = registry.stem.partition("-")
    if not (pid.isdigit() and start.isdigit()):
        return None
    return int(pid), int(start)


def guard_main(registry: str) -> None:
    """The guard: wait for the worker's end of the pipe to close, then clean up after it."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)  # the worker's group may get a SIGTERM
    while sys.stdin.buffer.read(65536):
        pass
    reap_registry(Path(registry))


if __name__ == "__main__":
    guard_main(sys.argv[1])
