"""kill -9 runs no script twice: 3 rounds of 200 script executions, the server killed while
they run and started again. Each script appends a line to a file when it starts and, from a
grandchild process (which no parent-death signal reaches), when it ends; the grandchild waits
for a gate file, opened once the server is started again. The file counts real runs,
whatever the server says.

Asserted: no script process outlives the killed server; every execution ends SUCCESS with its
script ended exactly once (0 double runs); and the KILLED attempts are exactly the scripts
that had started when the server was killed (a task run only queued for a thread gets none).
"""

import os
import signal
import sys
import time
from collections import Counter
from pathlib import Path

import httpx
import pytest
from tests.conftest import free_port
from tests.e2e.test_server_crash import _start

EXECUTIONS = 200
TERMINAL = {"SUCCESS", "WARNING", "FAILED", "KILLED", "CANCELLED"}

FLOW = """\
id: counted
namespace: crash
tasks:
  - id: sh
    type: io.kestra.plugin.scripts.shell.Commands
    commands:
      - echo "start {{{{ execution.id }}}} $$" >> {log}
      - >-
        sh -c 'while [ ! -e {gate} ]; do sleep 0.05; done;
        echo "end {{{{ execution.id }}}}" >> {log}'
"""


def _script_processes(marker: str) -> list[int]:
    """Live processes whose command line names ``marker`` (the scripts' log file)."""
    found = []
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            cmdline = Path(f"/proc/{name}/cmdline").read_bytes()
            state = Path(f"/proc/{name}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if marker.encode() in cmdline and state not in ("Z", "X"):
            found.append(int(name))
    return found


def _lines(log: Path) -> tuple[Counter[str], Counter[str]]:
    starts: Counter[str] = Counter()
    ends: Counter[str] = Counter()
    for line in log.read_text().splitlines():
        kind, _, rest = line.partition(" ")
        execution_id = rest.split(" ")[0]
        (starts if kind == "start" else ends)[execution_id] += 1
    return starts, ends


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="uses /proc")
def test_kill_9_runs_no_script_twice(tmp_path: Path) -> None:
    flows = tmp_path / "flows"
    flows.mkdir()
    rounds = []
    for number, tracking in enumerate(("cgroup", "session", "cgroup"), start=1):
        log = tmp_path / f"runs-{number}.log"
        log.touch()
        gate = tmp_path / f"gate-{number}"
        (flows / "counted.yaml").write_text(FLOW.format(log=log, gate=gate))
        env = {
            **os.environ,
            "TIERCEL_PROCESS_STATE_DIR": str(tmp_path / "processes"),
            "TIERCEL_PROCESS_CGROUPS": "on" if tracking == "cgroup" else "off",
        }
        rounds.append(_round(tmp_path / f"data-{number}", flows, log, gate, env))
    for number, counts in enumerate(rounds, start=1):
        print(f"round {number}: {counts}")
    assert sum(counts["double_runs"] for counts in rounds) == 0
    assert sum(counts["never_ended"] for counts in rounds) == 0
    assert all(counts["killed_attempts"] > 0 for counts in rounds), "no script was running"


def _round(data: Path, flows: Path, log: Path, gate: Path, env: dict[str, str]) -> dict[str, int]:
    port = free_port()
    url = f"http://127.0.0.1:{port}/api/v1/main"
    server = _start(data, flows, port, env)
    try:
        with httpx.Client(base_url=url, timeout=30) as client:
            ids = []
            for _ in range(EXECUTIONS):
                response = client.post("/executions/crash/counted")
                assert response.status_code == 200, response.text
                ids.append(response.json()["id"])
        deadline = time.monotonic() + 30
        # Killed while some scripts run (most still wait for a thread) and none can end (the
        # gate is shut): a script that ends in the instant of the kill, before its result is
        # written down, would run again, as in any system; that is not what this test is after.
        while len(_lines(log)[0]) < 16:
            assert time.monotonic() < deadline + 30, "the scripts did not start"
            time.sleep(0.01)
    finally:
        server.send_signal(signal.SIGKILL)
        server.wait(10)
    # The scripts die with their server: none is left to finish behind the restart's back.
    deadline = time.monotonic() + 5
    while (left := _script_processes(str(log))) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not left, f"{len(left)} script processes outlived the killed server"
    started_before, ended_before = _lines(log)

    server = _start(data, flows, port, env)
    gate.touch()
    try:
        with httpx.Client(base_url=url, timeout=30) as client:
            deadline = time.monotonic() + 300
            final: dict[str, dict[str, object]] = {}
            for eid in ids:  # one at a time: polling them all would load the server itself
                while (body := client.get(f"/executions/{eid}").json())["state"][
                    "current"
                ] not in TERMINAL:
                    assert time.monotonic() < deadline, f"{eid} never ended"
                    time.sleep(0.1)
                final[eid] = body
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(30)

    starts, ends = _lines(log)
    killed_attempts = 0
    for eid, body in final.items():
        assert body["state"]["current"] == "SUCCESS", (eid, body["state"])
        (run,) = body["taskRunList"]  # type: ignore[misc]
        attempts = [a["state"]["current"] for a in run["attempts"]]
        killed_attempts += attempts.count("KILLED")
        # A KILLED attempt for a script cut short by the kill, and only for those: one that
        # had ended keeps its result, one that had not begun starts without a KILLED attempt.
        cut_short = started_before[eid] - ended_before[eid]
        seen = (eid, attempts, started_before[eid], ended_before[eid], starts[eid], ends[eid])
        assert ends[eid] == 1, seen
        assert attempts[-1] == "SUCCESS", seen
        assert attempts.count("KILLED") >= cut_short, seen
        # Each run of the script is an attempt; an attempt may have begun on a worker and
        # been killed before its process started.
        assert starts[eid] <= len(attempts), seen
    # Only attempts that had begun on one of the 64 worker threads end KILLED, not the
    # task runs that waited for a thread.
    assert killed_attempts <= 64, killed_attempts
    return {
        "executions": len(final),
        "started_before_kill": sum(started_before.values()),
        "ended_before_kill": sum(ended_before.values()),
        "killed_attempts": killed_attempts,
        "script_starts": sum(starts.values()),
        "double_runs": sum(1 for eid in ids if ends[eid] > 1),
        "never_ended": sum(1 for eid in ids if ends[eid] == 0),
    }
