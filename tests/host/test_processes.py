"""Tracked processes: a kill leaves nothing behind, ``setsid`` children included, with a
cgroup and with the session bookkeeping; a dead worker's leftovers are reaped."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tiercel.host import process_guard, processes

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="uses /proc")

SCRIPT = "setsid sh -c 'sleep 300 # {mark}' & (sleep 300 # {mark}\n) & sleep 300 # {mark}"


WORKER = (
    "import os, sys, time\n"
    "from pathlib import Path\n"
    "from tiercel.host import processes\n"
    "t = processes.start(['sh', '-c', sys.argv[1]], cwd=Path('.'), env=dict(os.environ))\n"
    "time.sleep(1.0)\n"
    "t.watch()\n"
)
"""A worker process that starts ``SCRIPT`` as a tracked process (the rest is added)."""


def _env(cgroups: str, state: Path) -> dict[str, str]:
    return {
        **os.environ,
        "TIERCEL_PROCESS_CGROUPS": cgroups,
        "TIERCEL_PROCESS_STATE_DIR": str(state),
    }


def _running(mark: str) -> list[int]:
    found = []
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                cmdline = Path(f"/proc/{name}/cmdline").read_bytes()
                state = Path(f"/proc/{name}/stat").read_text().rsplit(")", 1)[1].split()[0]
            except OSError:
                continue
            if mark.encode() in cmdline and state not in ("Z", "X"):
                found.append(int(name))
    return found


def _wait_for(mark: str, count: int) -> None:
    deadline = time.monotonic() + 10
    while len(_running(mark)) < count:
        assert time.monotonic() < deadline, _running(mark)
        time.sleep(0.02)


@pytest.mark.parametrize("cgroups", ["on", "off"])
def test_kill_leaves_no_process_behind(
    cgroups: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    script = WORKER + "print(processes.tracking(), flush=True)\nt.kill()\nt.release()\n"
    mark = f"mark-{cgroups}-{os.getpid()}"
    done = subprocess.run(
        [sys.executable, "-c", script, SCRIPT.format(mark=mark)],
        env=_env(cgroups, tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    if cgroups == "off":
        assert done.stdout.strip() == "session"
    assert _running(mark) == []


@pytest.mark.parametrize("cgroups", ["on", "off"])
def test_what_a_killed_worker_started_dies_with_it(cgroups: str, tmp_path: Path) -> None:
    script = WORKER + "print('ready', flush=True)\ntime.sleep(300)\n"
    mark = f"dies-{cgroups}-{os.getpid()}"
    worker = subprocess.Popen(
        [sys.executable, "-c", script, SCRIPT.format(mark=mark)],
        env=_env(cgroups, tmp_path),
        stdout=subprocess.PIPE,
        text=True,
    )
    assert worker.stdout is not None
    assert worker.stdout.readline().strip() == "ready"
    _wait_for(mark, 3)
    worker.kill()  # kill -9: no clean-up of its own
    worker.wait()
    worker.stdout.close()
    deadline = time.monotonic() + 10
    while _running(mark) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _running(mark) == []
    assert list(tmp_path.glob("*.procs")) == []  # the guard deleted the registry


def test_reap_orphans_kills_what_a_dead_worker_recorded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    mark = f"orphan-{os.getpid()}"
    leftover = subprocess.Popen(["sh", "-c", f"sleep 300 # {mark}"], start_new_session=True)
    dead = subprocess.Popen(["true"])
    dead.wait()
    start = process_guard.start_time(leftover.pid)
    # The registry of a worker that died with its guard (its pid no longer runs).
    (tmp_path / f"{dead.pid}-1.procs").write_text(f"+ {leftover.pid} {start} -\n")
    monkeypatch.setenv("TIERCEL_PROCESS_STATE_DIR", str(tmp_path))
    assert processes.reap_orphans() == 1
    leftover.wait(10)
    assert _running(mark) == []
    assert list(tmp_path.glob("*.procs")) == []
