"""Kill, resume and restart through the ops layer, on stored executions, with real workers."""

from collections.abc import Iterator
from pathlib import Path
from textwrap import dedent

import pytest

from tiercel import ops
from tiercel.model import Flow, State, load_flows
from tiercel.registry import default_registry
from tiercel.runtime import LocalRunner, Services
from tiercel.runtime.ids import new_id
from tiercel.wiring import local_services

PAUSING = """
id: approval
namespace: t
tasks:
  - id: wait
    type: io.kestra.plugin.core.flow.Pause
    onResume:
      - {id: approved, type: BOOLEAN}
      - {id: reason, type: STRING, required: false, defaults: none given}
  - id: after
    type: io.kestra.plugin.core.debug.Return
    format: "{{ outputs.wait.onResume.approved }} / {{ outputs.wait.onResume.reason }}"
"""

FLAKY = """
id: flaky
namespace: t
tasks:
  - {id: first, type: io.kestra.plugin.core.debug.Return, format: "one"}
  - id: check
    type: io.kestra.plugin.core.execution.Fail
    condition: "{{ kv('ready') == null }}"
  - {id: last, type: io.kestra.plugin.core.debug.Return, format: "{{ outputs.first.value }}"}
errors:
  - {id: on_error, type: io.kestra.plugin.core.log.Log, message: "failed"}
"""


def flow(text: str) -> Flow:
    result = load_flows(dedent(text), "flow.yaml", default_registry())
    assert result.ok, result.all_problems()
    return result.valid_flows()[0]


@pytest.fixture
def services(tmp_path: Path) -> Iterator[Services]:
    with local_services(tmp_path / "data") as opened:
        yield opened


def flows_of(*flows: Flow) -> dict[tuple[str, str], Flow]:
    return {(f.namespace, f.id): f for f in flows}


def test_resume_validates_the_on_resume_inputs_and_continues(services: Services) -> None:
    pausing = flow(PAUSING)
    paused = LocalRunner(services, flows_of(pausing)).execute(pausing)
    assert paused.execution.state.current is State.PAUSED
    execution_id = paused.execution.id
    with pytest.raises(ops.OperationError, match="approved"):
        ops.resume(services.executions, flows_of(pausing), execution_id, {"approved": "maybe"})
    event = ops.resume(services.executions, flows_of(pausing), execution_id, {"approved": "true"})
    done = LocalRunner(services, flows_of(pausing)).continue_execution(execution_id, event)
    assert done.execution.state.current is State.SUCCESS
    assert done.outputs["after"] == {"value": "true / none given"}
    with pytest.raises(ops.OperationError, match="not PAUSED"):
        ops.resume(services.executions, flows_of(pausing), execution_id, {"approved": "true"})


def test_kill_ends_a_paused_execution(services: Services) -> None:
    pausing = flow(PAUSING)
    paused = LocalRunner(services, flows_of(pausing)).execute(pausing)
    event = ops.kill(services.executions, paused.execution.id)
    done = LocalRunner(services, flows_of(pausing)).continue_execution(paused.execution.id, event)
    assert done.execution.state.current is State.KILLED
    assert done.task_runs[0].state.current is State.KILLED
    with pytest.raises(ops.OperationError, match="already ended"):
        ops.kill(services.executions, paused.execution.id)


def test_restart_reruns_the_failed_task_in_the_same_execution(services: Services) -> None:
    flaky = flow(FLAKY)
    failed = LocalRunner(services, flows_of(flaky)).execute(flaky)
    assert failed.execution.state.current is State.FAILED
    assert [r.task_id for r in failed.task_runs] == ["first", "check", "on_error"]
    with pytest.raises(ops.OperationError, match="not found"):
        ops.restart(services.executions, "nope")
    services.kv.set("t", "ready", True, now=services.clock())
    event = ops.restart(services.executions, failed.execution.id)
    done = LocalRunner(services, flows_of(flaky)).continue_execution(failed.execution.id, event)
    assert done.execution.id == failed.execution.id
    assert done.execution.state.current is State.SUCCESS
    assert done.execution.metadata.attempt_number == 2
    assert [r.task_id for r in done.task_runs] == ["first", "check", "last"]
    check = done.task_runs[1]
    assert [a.state.current for a in check.attempts] == [State.FAILED, State.SUCCESS]
    assert done.outputs["last"] == {"value": "one"}
    states = [h.state for h in done.execution.state.histories]
    assert states[-4:] == [State.FAILED, State.RESTARTED, State.RUNNING, State.SUCCESS]
    stored = services.executions.load(failed.execution.id)
    assert stored is not None and [r.task_id for r in stored[1]] == ["first", "check", "last"]


def test_kestras_restart_last_failed_case(services: Services, kestra_compat: Path) -> None:
    """RestartCaseTest: task c fails on its first attempt only; a restart finishes the flow."""
    path = kestra_compat / "flows/core/src/test/resources/flows/valids/restart_last_failed.yaml"
    restartable = flow(path.read_text())
    failed = LocalRunner(services, flows_of(restartable)).execute(restartable)
    assert failed.execution.state.current is State.FAILED
    assert len(failed.task_runs) == 3
    assert failed.task_runs[2].state.current is State.FAILED
    event = ops.restart(services.executions, failed.execution.id)
    done = LocalRunner(services, flows_of(restartable)).continue_execution(
        failed.execution.id, event
    )
    assert done.execution.state.current is State.SUCCESS
    assert len(done.task_runs) == 4
    assert len(done.task_runs[2].attempts) == 2
    assert all(r.state.current is State.SUCCESS for r in done.task_runs)


CHAIN = """
id: chain
namespace: t
tasks:
  - {id: a, type: io.kestra.plugin.core.debug.Return, format: "a-{{ taskrun.attemptsCount }}"}
  - {id: b, type: io.kestra.plugin.core.debug.Return, format: "b-{{ taskrun.attemptsCount }}"}
  - {id: c, type: io.kestra.plugin.core.debug.Return, format: "{{ outputs.b.value }}+c"}
"""


def test_replay_from_the_start_is_a_new_execution(services: Services) -> None:
    flaky = flow(FLAKY)
    failed = LocalRunner(services, flows_of(flaky)).execute(flaky)
    services.kv.set("t", "ready", True, now=services.clock())
    replayed_id, event = ops.replay(
        services.executions, failed.execution.id, new_id=new_id, now=services.clock()
    )
    done = LocalRunner(services, flows_of(flaky)).continue_execution(replayed_id, event)
    assert done.execution.id != failed.execution.id
    assert done.execution.original_id == failed.execution.id
    assert done.execution.state.current is State.SUCCESS
    stored = services.executions.load(failed.execution.id)
    assert stored is not None and stored[0].state.current is State.FAILED


def test_replay_from_a_task_run_keeps_what_came_before(services: Services) -> None:
    chain = flow(CHAIN)
    first = LocalRunner(services, flows_of(chain)).execute(chain)
    assert first.outputs["c"] == {"value": "b-0+c"}
    b_run = next(r for r in first.task_runs if r.task_id == "b")
    replayed_id, event = ops.replay(
        services.executions,
        first.execution.id,
        new_id=new_id,
        now=services.clock(),
        task_run_id=b_run.id,
    )
    done = LocalRunner(services, flows_of(chain)).continue_execution(replayed_id, event)
    assert done.execution.state.current is State.SUCCESS
    runs = {r.task_id: r for r in done.task_runs}
    assert len(runs["a"].attempts) == 1 and runs["a"].outputs == {"value": "a-0"}
    assert len(runs["b"].attempts) == 2 and runs["b"].outputs == {"value": "b-1"}
    assert len(runs["c"].attempts) == 1 and runs["c"].outputs == {"value": "b-1+c"}
    assert all(r.id not in {x.id for x in first.task_runs} for r in done.task_runs)
    with pytest.raises(ops.OperationError, match="not part of"):
        ops.replay(
            services.executions, first.execution.id, new_id=new_id, now=services.clock(),
            task_run_id="nope",
        )  # fmt: skip


def test_restart_without_a_failed_task_run_is_refused(services: Services) -> None:
    # Kestra answers "No task found to restart" for an execution with nothing failed.
    chain = flow(CHAIN)
    done = LocalRunner(services, flows_of(chain)).execute(chain)
    assert done.execution.state.current is State.SUCCESS
    with pytest.raises(ops.OperationError, match="No task found to restart"):
        ops.restart(services.executions, done.execution.id)
