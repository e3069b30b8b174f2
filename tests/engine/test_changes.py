"""Changes made by hand: a task run's new state lets the execution go on; labels are replaced
with the system labels kept."""

from tests.engine.harness import Run, load
from tiercel.engine import ChangeTaskRunState, SetLabels
from tiercel.model import State
from tiercel.model.labels import Label

LOG = "io.kestra.plugin.core.log.Log"
FAIL = "io.kestra.plugin.core.execution.Fail"
PAUSE = "io.kestra.plugin.core.flow.Pause"
SEQUENTIAL = "io.kestra.plugin.core.flow.Sequential"


def flow(tasks: str, extra: str = "") -> str:
    return f"id: f\nnamespace: t\n{extra}\ntasks:\n{tasks}"


FAILING = flow(
    f"""
  - {{id: a, type: {LOG}, message: x}}
  - {{id: boom, type: {FAIL}}}
  - {{id: later, type: {LOG}, message: x}}
""",
    extra=f"""errors:
  - {{id: on_error, type: {LOG}, message: x}}
afterExecution:
  - {{id: after, type: {LOG}, message: x}}""",
)


def test_a_failed_run_set_to_success_lets_the_rest_run_and_drops_the_handlers() -> None:
    run = Run(load(FAILING)).until_end()
    assert run.state is State.FAILED
    assert run.started == ["a", "boom", "on_error", "after"]
    boom = run.runs("boom")[0]

    run.send(ChangeTaskRunState(boom.id, State.SUCCESS))
    assert run.state is State.RUNNING
    assert run.runs("on_error") == [] and run.runs("after") == []
    changed = run.runs("boom")[0]
    assert changed.state.current is State.SUCCESS
    assert changed.attempts[-1].state.current is State.SUCCESS
    assert len(changed.attempts) == len(boom.attempts)  # marked, not run again
    assert run.view.execution.metadata.attempt_number == 2
    assert [h.state for h in run.view.execution.state.histories][-3:] == [
        State.FAILED,
        State.RESTARTED,
        State.RUNNING,
    ]

    run.drain()
    assert run.state is State.SUCCESS
    assert run.started[4:] == ["later", "after"]
    assert [r.task_id for r in run.view.task_runs()] == ["a", "boom", "later", "after"]


def test_warning_ends_the_execution_in_warning() -> None:
    run = Run(load(FAILING)).until_end()
    run.send(ChangeTaskRunState(run.runs("boom")[0].id, State.WARNING))
    run.drain()
    assert run.state is State.WARNING
    assert run.runs("later")[0].state.current is State.SUCCESS


def test_the_enclosing_flowable_runs_again_and_goes_on() -> None:
    source = flow(
        f"""
  - id: group
    type: {SEQUENTIAL}
    tasks:
      - {{id: boom, type: {FAIL}}}
      - {{id: next, type: {LOG}, message: x}}
  - {{id: last, type: {LOG}, message: x}}
"""
    )
    run = Run(load(source)).until_end()
    assert run.state is State.FAILED
    assert run.runs("group")[0].state.current is State.FAILED

    run.send(ChangeTaskRunState(run.runs("boom")[0].id, State.SUCCESS))
    assert run.runs("group")[0].state.current is State.RUNNING
    run.drain()
    assert run.state is State.SUCCESS
    assert run.started[-2:] == ["next", "last"]
    assert run.runs("group")[0].state.current is State.SUCCESS


def test_a_paused_run_set_by_hand_resumes_the_execution() -> None:
    source = flow(
        f"""
  - {{id: wait, type: {PAUSE}}}
  - {{id: then, type: {LOG}, message: x}}
"""
    )
    run = Run(load(source)).start()
    assert run.state is State.PAUSED
    run.send(ChangeTaskRunState(run.runs("wait")[0].id, State.FAILED))
    run.drain()
    assert run.runs("wait")[0].state.current is State.FAILED
    assert run.runs("then") == []
    assert run.state is State.FAILED


def test_ignored_while_running_or_for_an_unknown_run() -> None:
    source = flow(f"  - {{id: a, type: {LOG}, message: x}}")
    run = Run(load(source)).start()
    (command,) = run.queue
    run.send(ChangeTaskRunState(command.run.id, State.SUCCESS))
    assert run.state is State.RUNNING
    assert run.runs("a")[0].state.current is State.RUNNING
    run.drain()
    histories = len(run.view.execution.state.histories)
    run.send(ChangeTaskRunState("nope", State.SUCCESS))
    assert run.state is State.SUCCESS
    assert len(run.view.execution.state.histories) == histories


def test_set_labels_replaces_user_labels_and_keeps_system_ones() -> None:
    run = Run(load(flow(f"  - {{id: a, type: {LOG}, message: x}}")))
    run.view.execution = run.view.execution.model_copy(
        update={
            "labels": (
                Label(key="team", value="a"),
                Label(key="system.correlationId", value="exec1"),
            )
        }
    )
    run.send(SetLabels((Label(key="env", value="prod"),)))
    assert [(x.key, x.value) for x in run.view.execution.labels] == [
        ("env", "prod"),
        ("system.correlationId", "exec1"),
    ]
