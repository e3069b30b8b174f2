"""A Pause's (deprecated) ``tasks`` run once it is resumed; one that fails fails the Pause and
the execution, as in Kestra (``FlowableTask.resolveState``)."""

from collections.abc import Iterator
from pathlib import Path
from textwrap import dedent

import pytest

from tiercel import ops
from tiercel.model import Flow, State, load_flows
from tiercel.registry import default_registry
from tiercel.runtime import LocalRunner, Services
from tiercel.wiring import local_services

PAUSE = """\
id: pausing
namespace: t
tasks:
  - id: wait
    type: io.kestra.plugin.core.flow.Pause
    {extra}
    tasks:
      - {{id: first, type: io.kestra.plugin.core.log.Log, message: before}}
      - {{id: boom, type: io.kestra.plugin.core.execution.Fail, errorMessage: broken}}
      - {{id: never, type: io.kestra.plugin.core.log.Log, message: never}}
  - {{id: after, type: io.kestra.plugin.core.log.Log, message: after}}
"""


def flow(extra: str = "") -> Flow:
    result = load_flows(dedent(PAUSE.format(extra=extra)), "pause.yaml", default_registry())
    assert result.ok, result.all_problems()
    return result.valid_flows()[0]


@pytest.fixture
def services(tmp_path: Path) -> Iterator[Services]:
    with local_services(tmp_path / "data") as opened:
        yield opened


def states(runs: object) -> dict[str, str]:
    return {run.task_id: run.state.current.value for run in runs}  # type: ignore[attr-defined]


def test_a_failed_task_fails_the_resumed_pause_and_the_execution(services: Services) -> None:
    pausing = flow()
    flows = {(pausing.namespace, pausing.id): pausing}
    paused = LocalRunner(services, flows).execute(pausing)
    assert paused.execution.state.current is State.PAUSED
    event = ops.resume(services.executions, flows, paused.execution.id, {})
    done = LocalRunner(services, flows).continue_execution(paused.execution.id, event)
    assert done.execution.state.current is State.FAILED
    assert states(done.task_runs) == {"wait": "FAILED", "first": "SUCCESS", "boom": "FAILED"}


@pytest.mark.parametrize("behavior", ["RESUME", "WARN"])
def test_after_the_pause_duration_a_failed_task_fails_it_too(
    services: Services, behavior: str
) -> None:
    pausing = flow(f"pauseDuration: PT0.01S\n    behavior: {behavior}")
    done = LocalRunner(services, {(pausing.namespace, pausing.id): pausing}).execute(pausing)
    assert done.execution.state.current is State.FAILED
    assert states(done.task_runs)["wait"] == "FAILED"
    assert "after" not in states(done.task_runs)
