"""Roles in processes of their own on PostgreSQL: an executor, an API server and workers
sharing the work. A worker killed with SIGKILL loses nothing: its task runs get a new attempt
on another worker once its leases expire. A worker stopped with SIGTERM hands its running
task runs back. Every execution ends SUCCESS and no attempt runs twice."""

import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from tests.conftest import free_port

FLOW = """\
id: spread
namespace: shared
tasks:
  - id: fan
    type: io.kestra.plugin.core.flow.Parallel
    tasks:
      - id: a
        type: io.kestra.plugin.scripts.shell.Commands
        commands:
          - echo {{ taskrun.id }} >> {{ inputs.ledger }}
          - sleep 2
      - id: b
        type: io.kestra.plugin.scripts.shell.Commands
        commands:
          - echo {{ taskrun.id }} >> {{ inputs.ledger }}
          - sleep 2
  - id: done
    type: io.kestra.plugin.core.debug.Return
    format: "{{ execution.id }}"
inputs:
  - id: ledger
    type: STRING
"""

TERMINAL = {"SUCCESS", "WARNING", "FAILED", "KILLED", "CANCELLED"}


class Cluster:
    """Server processes of one backend, each started with the same configuration file."""

    def __init__(self, config: Path, logs: Path) -> None:
        self.config = config
        self.logs = logs
        self.processes: list[subprocess.Popen[bytes]] = []

    def start(self, role: str, *args: str) -> subprocess.Popen[bytes]:
        command = [sys.executable, "-m", "tiercel", "server", role, "--config", str(self.config)]
        with (self.logs / f"{role}-{len(self.processes)}.log").open("wb") as log:
            process = subprocess.Popen([*command, *args], stdout=log, stderr=subprocess.STDOUT)
        self.processes.append(process)
        return process

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@pytest.fixture
def cluster(tmp_path: Path, postgres_url: str) -> Iterator[tuple[Cluster, str]]:
    port = free_port()
    config = tmp_path / "tiercel.yaml"
    config.write_text(
        "tiercel:\n"
        f"  database-url: {postgres_url}\n"
        f"  storage-path: {tmp_path / 'storage'}\n"
        f"  port: {port}\n"
        "  lease-seconds: 1.5\n"
        "  shutdown-grace-seconds: 0.5\n"
    )
    cluster = Cluster(config, tmp_path)
    try:
        yield cluster, f"http://127.0.0.1:{port}"
    finally:
        cluster.stop()


def _wait_ready(url: str, logs: Path) -> None:
    deadline = time.monotonic() + 90  # a busy CI machine starts four processes slowly
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/ping", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.1)
    consoles = "\n".join(
        f"--- {log.name}:\n{log.read_text(errors='replace')[-1500:]}"
        for log in sorted(logs.glob("*.log"))
    )
    raise AssertionError(f"the API server did not start; the consoles:\n{consoles}")


def _ledger_lines(path: Path) -> list[str]:
    return path.read_text().split() if path.exists() else []


def test_workers_killed_or_stopped_lose_no_work(
    cluster: tuple[Cluster, str], tmp_path: Path
) -> None:
    processes, url = cluster
    processes.start("executor")
    processes.start("webserver")
    killed = processes.start("worker", "--threads", "6")
    stopped = processes.start("worker", "--threads", "6")
    _wait_ready(url, processes.logs)
    ledger = tmp_path / "ledger.txt"
    api = f"{url}/api/v1/main"
    with httpx.Client(base_url=api, timeout=30) as client:
        deployed = client.post(
            "/flows", content=FLOW, headers={"Content-Type": "application/x-yaml"}
        )
        assert deployed.status_code == 200, deployed.text
        ids = []
        for _ in range(24):
            created = client.post(
                "/executions/shared/spread", files={"ledger": (None, str(ledger))}
            )
            assert created.status_code == 200, created.text
            ids.append(created.json()["id"])

        # Both workers are busy: kill one outright and stop the other.
        deadline = time.monotonic() + 30
        while len(_ledger_lines(ledger)) < 8 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(_ledger_lines(ledger)) >= 8, "the workers never started the scripts"
        killed.send_signal(signal.SIGKILL)
        stopped.send_signal(signal.SIGTERM)
        stopped_at = time.monotonic()
        assert stopped.wait(15) == 0, "a worker stopped with SIGTERM must exit cleanly"
        stop_time = time.monotonic() - stopped_at
        processes.start("worker", "--threads", "8")

        final = {}
        deadline = time.monotonic() + 90
        pending = set(ids)
        while pending and time.monotonic() < deadline:
            for eid in list(pending):
                body = client.get(f"/executions/{eid}").json()
                if body["state"]["current"] in TERMINAL:
                    final[eid] = body
                    pending.discard(eid)
            time.sleep(0.2)
        assert not pending, f"{len(pending)} executions never ended"

    assert {body["state"]["current"] for body in final.values()} == {"SUCCESS"}
    assert stop_time < 10, f"SIGTERM took {stop_time:.1f}s with a 0.5 s grace"
    started = Counter(_ledger_lines(ledger))
    retried = 0
    for eid, body in final.items():
        runs = body["taskRunList"]
        assert len(runs) == 4, eid
        for run in runs:
            attempts = [a["state"]["current"] for a in run["attempts"] or []]
            if run["taskId"] not in ("a", "b"):
                continue
            # Every attempt but the last was lost with its worker, visibly; the last succeeded.
            assert attempts[-1] == "SUCCESS", (eid, run["taskId"], attempts)
            assert set(attempts[:-1]) <= {"KILLED"}, (eid, run["taskId"], attempts)
            retried += len(attempts) > 1
            # No attempt ran the script twice: at most one start recorded per attempt.
            assert 1 <= started[run["id"]] <= len(attempts), (run["id"], attempts)
    assert retried > 0, "no task run was in flight on the lost workers: the test proved nothing"


TICKING = """\
id: ticking
namespace: shared
tasks:
  - id: say
    type: io.kestra.plugin.scripts.shell.Commands
    commands: ["echo tick"]
triggers:
  - id: every-second
    type: io.kestra.plugin.core.trigger.Schedule
    cron: "* * * * * *"
    withSeconds: true
"""


def test_a_scheduler_process_starts_executions_the_others_run(
    cluster: tuple[Cluster, str],
) -> None:
    processes, url = cluster
    for role in ("executor", "webserver", "scheduler", "worker"):
        processes.start(role)
    _wait_ready(url, processes.logs)
    with httpx.Client(base_url=f"{url}/api/v1/main", timeout=30) as client:
        deployed = client.post(
            "/flows", content=TICKING, headers={"Content-Type": "application/x-yaml"}
        )
        assert deployed.status_code == 200, deployed.text
        deadline = time.monotonic() + 30
        succeeded: list[dict[str, object]] = []
        while len(succeeded) < 3 and time.monotonic() < deadline:
            found = client.get(
                "/executions/search", params={"flowId": "ticking", "state": "SUCCESS"}
            ).json()
            succeeded = found["results"]
            time.sleep(0.2)
    assert len(succeeded) >= 3, "the scheduler's executions did not run to their end"
    trigger = succeeded[0]["trigger"]
    assert isinstance(trigger, dict) and trigger["id"] == "every-second"
