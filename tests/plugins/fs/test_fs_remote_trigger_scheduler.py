"""The SFTP, FTP and FTPS triggers under Tiercel's real scheduler: a flow is loaded, the
scheduler polls at the trigger's interval, stores the files in internal storage and keeps the
trigger's memory in its store between passes."""

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from tests.plugins.fs.remote_support import Remote, remote_of

from tiercel.model import load_flows
from tiercel.model.execution import Execution, RunState
from tiercel.model.state import State
from tiercel.registry import default_registry
from tiercel.runtime.scheduler import Scheduler
from tiercel.runtime.trigger_starts import StartRequest
from tiercel.wiring import local_services

T0 = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)


@pytest.fixture(params=["sftp", "ftp", "ftps"])
def remote(request: pytest.FixtureRequest) -> Remote:
    return remote_of(request.param, request)


def test_the_scheduler_polls_stores_and_remembers(remote: Remote, tmp_path: Path) -> None:
    (remote.disk / "in").mkdir(parents=True)
    (remote.disk / "in" / "a.csv").write_text("first")
    trigger = remote.task("watch", "Trigger", interval="PT1M", **{"from": f"{remote.base}/in"})
    flow_text = json.dumps(
        {
            "id": "watcher",
            "namespace": "company.team",
            "tasks": [{"id": "log", "type": "io.kestra.plugin.core.log.Log", "message": "x"}],
            "triggers": [trigger],
        }
    )
    result = load_flows(flow_text.encode(), "flow.yaml", default_registry())
    assert result.ok, result.all_problems()
    (flow,) = result.valid_flows()
    requests: list[StartRequest] = []

    def start(request: StartRequest) -> str:
        requests.append(request)
        return f"exec-{len(requests)}"

    def ended(scheduler: Scheduler, number: int) -> None:
        # The trigger waits for the execution it started to end, as Kestra's triggers do.
        request = requests[number - 1]
        scheduler.execution_ended(
            Execution(
                id=f"exec-{number}",
                namespace=flow.namespace,
                flowId=flow.id,
                state=RunState.start(State.SUCCESS, T0),
                trigger=request.trigger,
            )
        )

    with local_services(tmp_path / "data") as services:
        scheduler = Scheduler(services, lambda: [flow], start)
        assert len(scheduler.tick(T0)) == 1
        ended(scheduler, 1)
        (file,) = (requests[0].trigger.variables or {})["files"]
        assert file["name"] == "a.csv" and file["changeType"] == "CREATE"
        assert services.storage.read_bytes(file["path"]) == b"first"
        # Unchanged at the next poll, even by a scheduler started afresh on the same store.
        scheduler = Scheduler(services, lambda: [flow], start)
        assert scheduler.tick(T0 + timedelta(minutes=1)) == []
        (remote.disk / "in" / "b.csv").write_text("second")
        assert len(scheduler.tick(T0 + timedelta(minutes=2))) == 1
        assert [f["name"] for f in (requests[1].trigger.variables or {})["files"]] == ["b.csv"]
