"""No lost work: kill -9 a server with 200 executions in flight, start it again, and every
execution ends; each task run that was in flight gets one new attempt, none runs twice
otherwise, and the log lines stored before the kill are still there."""

import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from tests.conftest import free_port

FLOWS = {
    "sleeper.yaml": """\
id: sleeper
namespace: crash
tasks:
  - id: before
    type: io.kestra.plugin.core.log.Log
    message: "start {{ execution.id }}"
  - id: nap
    type: io.kestra.plugin.core.flow.Sleep
    duration: PT3S
  - id: after
    type: io.kestra.plugin.core.log.Log
    message: "end {{ execution.id }}"
""",
    "branches.yaml": """\
id: branches
namespace: crash
tasks:
  - id: fan
    type: io.kestra.plugin.core.flow.Parallel
    tasks:
      - id: a
        type: io.kestra.plugin.core.flow.Sleep
        duration: PT2S
      - id: b
        type: io.kestra.plugin.core.debug.Return
        format: b
  - id: done
    type: io.kestra.plugin.core.log.Log
    message: "joined {{ outputs.b.value }}"
""",
    "script.yaml": """\
id: script
namespace: crash
tasks:
  - id: sh
    type: io.kestra.plugin.scripts.shell.Commands
    commands:
      - sleep 3
      - echo scripted
""",
}

TERMINAL = {"SUCCESS", "WARNING", "FAILED", "KILLED", "CANCELLED"}


def _start(
    data: Path, flows: Path, port: int, env: dict[str, str] | None = None
) -> subprocess.Popen[bytes]:
    console = data.parent / f"server-{port}.log"
    with console.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "tiercel", "server", "local", "--port", str(port),
             "--data-dir", str(data), "--flows", str(flows), "--threads", "64"],
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env,
        )  # fmt: skip
    deadline = time.monotonic() + 90  # a busy CI machine starts it slowly
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/ping", timeout=1).status_code == 200:
                return process
        except httpx.TransportError:
            time.sleep(0.05)
    process.kill()
    process.wait()  # reaped here: a later test must not meet it as a still-running Popen
    tail = console.read_text(errors="replace")[-3000:]
    raise AssertionError(f"the server did not start; its console:\n{tail}")


@pytest.fixture
def folders(tmp_path: Path) -> Iterator[tuple[Path, Path]]:
    flows = tmp_path / "flows"
    flows.mkdir()
    for name, text in FLOWS.items():
        (flows / name).write_text(text)
    yield tmp_path / "data", flows


def test_kill_9_loses_no_execution_and_runs_nothing_twice(folders: tuple[Path, Path]) -> None:
    data, flows = folders
    port = free_port()
    url = f"http://127.0.0.1:{port}/api/v1/main"
    server = _start(data, flows, port)
    try:
        with httpx.Client(base_url=url, timeout=30) as client:
            ids = []
            for index in range(200):
                flow = ("sleeper", "branches", "script")[index % 3]
                response = client.post(f"/executions/crash/{flow}")
                assert response.status_code == 200, response.text
                ids.append(response.json()["id"])
            time.sleep(0.3)
            before = {eid: client.get(f"/logs/{eid}").json() for eid in ids}
    finally:
        server.send_signal(signal.SIGKILL)
        server.wait(10)
    stored_before = sum(len(lines) for lines in before.values())
    assert stored_before > 0

    restarted_at = time.monotonic()
    server = _start(data, flows, port)
    try:
        with httpx.Client(base_url=url, timeout=30) as client:
            deadline = time.monotonic() + 90
            pending = set(ids)
            final: dict[str, dict[str, object]] = {}
            while pending and time.monotonic() < deadline:
                for eid in list(pending):
                    body = client.get(f"/executions/{eid}").json()
                    if body["state"]["current"] in TERMINAL:
                        final[eid] = body
                        pending.discard(eid)
                time.sleep(0.2)
            assert not pending, f"{len(pending)} executions never ended"
            recovery = time.monotonic() - restarted_at
            after = {eid: client.get(f"/logs/{eid}").json() for eid in ids}
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(20)

    assert {body["state"]["current"] for body in final.values()} == {"SUCCESS"}
    retried = 0
    for eid, body in final.items():
        runs = body["taskRunList"]
        keys = [(run["taskId"], run["value"]) for run in runs]
        assert len(keys) == len(set(keys)), f"{eid}: a task ran twice as two task runs"
        for run in runs:
            attempts = [a["state"]["current"] for a in run["attempts"] or []]
            if len(attempts) > 1:
                # Only a run in flight at the kill is run again, visibly: its lost attempt
                # is KILLED and exactly one new attempt follows.
                assert attempts == ["KILLED", "SUCCESS"], (eid, run["taskId"], attempts)
                retried += 1
        messages_before = [line["message"] for line in before[eid]]
        messages_after = [line["message"] for line in after[eid]]
        for message in messages_before:
            assert message in messages_after, f"{eid}: lost log line {message!r}"
    assert retried > 0, "no task run was in flight at the kill: the test proved nothing"
    print(f"recovered 200 executions in {recovery:.1f}s, {retried} attempts re-run")


def test_sigterm_lets_running_task_runs_finish(folders: tuple[Path, Path]) -> None:
    data, flows = folders
    port = free_port()
    url = f"http://127.0.0.1:{port}/api/v1/main"
    server = _start(data, flows, port)
    with httpx.Client(base_url=url, timeout=30) as client:
        ids = [client.post("/executions/crash/script").json()["id"] for _ in range(5)]
        deadline = time.monotonic() + 10
        while not all(  # every script has started its 3 s sleep
            client.get(f"/executions/{eid}").json()["taskRunList"] for eid in ids
        ):
            assert time.monotonic() < deadline
            time.sleep(0.05)
    stopping = time.monotonic()
    server.send_signal(signal.SIGTERM)
    assert server.wait(20) == 0
    took = time.monotonic() - stopping

    server = _start(data, flows, port)
    try:
        with httpx.Client(base_url=url, timeout=30) as client:
            bodies = [client.get(f"/executions/{eid}").json() for eid in ids]
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(20)
    # The scripts finished during the grace period and their results were stored: nothing
    # was left for the restart to run again.
    for body in bodies:
        assert body["state"]["current"] == "SUCCESS", body["state"]
        (run,) = body["taskRunList"]
        assert [a["state"]["current"] for a in run["attempts"]] == ["SUCCESS"]
    assert took < 15
