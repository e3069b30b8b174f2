"""Flow SLAs in the pure engine, with a clock the test sets: MAX_DURATION deadlines as
timers, EXECUTION_ASSERTION checked as the execution changes, and what a violation does."""

from datetime import datetime, timedelta
from typing import Any

from tests.engine.harness import T0, Run, load
from tiercel.engine import (
    Command,
    Event,
    ExecutionEnded,
    KillRuns,
    Recover,
    Restart,
    RunTask,
    SetTimer,
    SlaExpired,
    StepLog,
    TaskResult,
    advance,
)
from tiercel.model import State

LOG = "io.kestra.plugin.core.log.Log"
RETURN = "io.kestra.plugin.core.debug.Return"
FAIL = "io.kestra.plugin.core.execution.Fail"


class Timed(Run):
    """A run whose clock the test moves, keeping each step's commands and log lines."""

    def __init__(self, text: str, inputs: dict[str, Any] | None = None) -> None:
        super().__init__(load(text), inputs)
        self.now = T0
        self.commands: list[Command] = []
        self.logs: list[StepLog] = []

    def send(self, event: Event) -> None:
        step = advance(self.view, event, self.now, lambda: next(self.ids))
        self.commands = list(step.commands)
        self.logs.extend(step.logs)
        for command in step.commands:
            if isinstance(command, SetTimer):
                self.timers.append(command)
            elif isinstance(command, RunTask):
                self.queue.append(command)
                self.started.append(command.run.task_id)
            elif isinstance(command, ExecutionEnded):
                self.ended = True

    def at(self, moment: datetime) -> "Timed":
        self.now = moment
        return self

    def report(self, task_id: str, state: State, outputs: dict[str, Any] | None = None) -> None:
        command = next(c for c in self.queue if c.run.task_id == task_id)
        self.queue.remove(command)
        self.send(TaskResult(command.run.id, state, outputs))

    def sla_timers(self) -> list[SetTimer]:
        return [t for t in self.timers if isinstance(t.event, SlaExpired)]

    def labels(self) -> list[tuple[str, str]]:
        return [(x.key, x.value) for x in self.view.execution.labels]

    def lines(self, level: str) -> list[str]:
        return [line.message for line in self.logs if line.level == level]


def max_duration(behavior: str, labels: str = "") -> str:
    return f"""
id: f
namespace: t
sla:
  - id: slow
    type: MAX_DURATION
    duration: PT10S
    behavior: {behavior}
    {labels}
tasks:
  - {{id: work, type: {LOG}, message: x}}
  - {{id: next, type: {LOG}, message: x}}
"""


def test_max_duration_asks_for_a_timer_at_the_deadline_when_the_execution_starts() -> None:
    run = Timed(max_duration("FAIL")).start()
    (timer,) = run.sla_timers()
    assert timer.at == T0 + timedelta(seconds=10)
    assert timer.event == SlaExpired("slow")
    assert run.state is State.RUNNING


def test_max_duration_fail_ends_the_execution_failed_and_stops_its_tasks() -> None:
    run = Timed(max_duration("FAIL")).start()
    work = run.runs("work")[0]
    run.at(T0 + timedelta(seconds=10, microseconds=234_567)).send(SlaExpired("slow"))
    assert run.state is State.FAILED
    assert run.runs("work")[0].state.current is State.FAILED
    assert KillRuns((work.id,)) in run.commands
    assert any(isinstance(c, ExecutionEnded) for c in run.commands)
    reason = "execution duration of PT10.234S exceed the maximum duration of PT10S."
    assert run.lines("WARN") == [f"SLA 'slow' violated: {reason}"]
    assert run.lines("ERROR") == [f"Execution failed due to SLA 'slow' violated: {reason}"]
    # The worker's late report changes nothing, and nothing more starts.
    run.report("work", State.SUCCESS)
    assert run.state is State.FAILED
    assert run.started == ["work"]


def test_max_duration_cancel_ends_the_execution_cancelled_with_the_labels() -> None:
    run = Timed(max_duration("CANCEL", "labels: {sla: missed}")).start()
    run.at(T0 + timedelta(seconds=11)).send(SlaExpired("slow"))
    assert run.state is State.CANCELLED
    assert run.runs("work")[0].state.current is State.CANCELLED
    assert ("sla", "missed") in run.labels()
    assert run.lines("ERROR") == []  # only FAIL says the execution failed
    ended = next(c for c in run.commands if isinstance(c, ExecutionEnded))
    assert ("sla", "missed") in [(x.key, x.value) for x in ended.execution.labels]


def test_max_duration_none_only_labels_the_execution_which_goes_on() -> None:
    run = Timed(max_duration("NONE", "labels: {sla: missed}")).start()
    run.at(T0 + timedelta(seconds=11)).send(SlaExpired("slow"))
    assert run.state is State.RUNNING
    assert run.labels() == [("sla", "missed")]
    assert run.lines("WARN") == [
        "SLA 'slow' violated: execution duration of PT11S exceed the maximum duration of PT10S."
    ]
    run.report("work", State.SUCCESS)
    run.report("next", State.SUCCESS)
    assert run.state is State.SUCCESS
    assert run.labels() == [("sla", "missed")]


def test_a_deadline_after_the_end_does_nothing() -> None:
    run = Timed(max_duration("FAIL", "labels: {sla: missed}")).start()
    run.report("work", State.SUCCESS)
    run.report("next", State.SUCCESS)
    assert run.state is State.SUCCESS
    run.at(T0 + timedelta(seconds=10)).send(SlaExpired("slow"))
    assert run.state is State.SUCCESS
    assert run.commands == []
    assert run.labels() == []
    assert run.logs == []


def test_a_timer_that_goes_off_early_is_set_again_for_the_deadline() -> None:
    run = Timed(max_duration("FAIL")).start()
    run.at(T0 + timedelta(seconds=9)).send(SlaExpired("slow"))
    assert run.state is State.RUNNING
    assert run.commands == [SetTimer(T0 + timedelta(seconds=10), SlaExpired("slow"))]


def test_the_deadline_is_set_again_when_a_stopped_executor_is_recovered() -> None:
    run = Timed(max_duration("FAIL")).start()
    run.at(T0 + timedelta(seconds=3)).send(Recover())
    assert SetTimer(T0 + timedelta(seconds=10), SlaExpired("slow")) in run.commands
    run.send(Recover(lost=frozenset()))  # only a worker was lost: the timer still stands
    assert not any(isinstance(c, SetTimer) for c in run.commands)


FAILING = f"{{id: next, type: {FAIL}}}"


def test_a_restart_is_held_to_the_deadline_of_the_first_run() -> None:
    text = max_duration("FAIL").replace(f"{{id: next, type: {LOG}, message: x}}", FAILING)
    run = Timed(text).start()
    run.report("work", State.SUCCESS)
    run.report("next", State.FAILED)
    assert run.state is State.FAILED
    run.at(T0 + timedelta(seconds=5)).send(Restart())
    assert run.state is State.RUNNING
    assert SetTimer(T0 + timedelta(seconds=10), SlaExpired("slow")) in run.commands


CONDITION = """
id: f
namespace: t
inputs:
  - {id: string, type: STRING, defaults: PASS}
sla:
  - id: condition
    type: EXECUTION_ASSERTION
    behavior: CANCEL
    assert: "{{inputs.string != 'CANCEL'}}"
  - id: condition
    type: EXECUTION_ASSERTION
    behavior: NONE
    assert: "{{inputs.string != 'LABEL'}}"
    labels:
      sla: violated
tasks:
  - {id: return, type: io.kestra.plugin.core.debug.Return, format: "true"}
"""


def test_an_assertion_that_holds_changes_nothing() -> None:
    run = Timed(CONDITION, {"string": "PASS"}).until_end()
    assert run.state is State.SUCCESS
    assert run.labels() == []
    assert run.logs == []


def test_a_false_assertion_with_cancel_cancels_before_any_task_runs() -> None:
    run = Timed(CONDITION, {"string": "CANCEL"}).until_end()
    assert run.state is State.CANCELLED
    assert run.started == []
    assert run.lines("WARN") == [
        "SLA 'condition' violated: assertion is false: {{inputs.string != 'CANCEL'}}."
    ]


def test_a_false_assertion_with_none_adds_its_labels_once_and_the_execution_goes_on() -> None:
    run = Timed(CONDITION, {"string": "LABEL"}).until_end()
    assert run.state is State.SUCCESS
    assert run.started == ["return"]
    assert run.labels() == [("sla", "violated")]
    # Checked on every change, as Kestra does: logged each time, labelled once.
    assert len(run.lines("WARN")) == 2


OUTPUTS = f"""
id: f
namespace: t
inputs:
  - {{id: answer, type: STRING}}
sla:
  - id: answer
    type: EXECUTION_ASSERTION
    behavior: FAIL
    assert: "{{{{ outputs.give.value == 'good' }}}}"
  - id: second
    type: EXECUTION_ASSERTION
    behavior: CANCEL
    assert: "{{{{ outputs.give.value == 'also good' }}}}"
    labels: {{second: violated}}
tasks:
  - {{id: give, type: {RETURN}, format: "{{{{ inputs.answer }}}}"}}
  - {{id: after, type: {LOG}, message: x}}
"""


def test_an_assertion_sees_the_outputs_of_the_task_that_just_ended() -> None:
    run = Timed(OUTPUTS, {"answer": "bad"}).until_end()
    assert run.state is State.FAILED
    assert run.started == ["give"]  # failed before the next task was created
    warnings = run.lines("WARN")
    assert [w.split(":")[0] for w in warnings] == ["SLA 'answer' violated", "SLA 'second' violated"]
    # Only the first violation acts: FAILED, not CANCELLED, and without the second's labels.
    assert run.labels() == []
    assert run.lines("ERROR")[-1].startswith("Execution failed due to SLA 'answer' violated:")


def test_an_assertion_that_cannot_be_evaluated_yet_is_ignored_and_logged() -> None:
    run = Timed(OUTPUTS, {"answer": "good"}).start()
    # At the start `give` has no outputs: the SLAs are skipped, not violated.
    assert run.state is State.RUNNING
    errors = run.lines("ERROR")
    assert len(errors) == 2
    assert errors[0].startswith("Ignoring SLA 'answer' because of the error:")
    run.drain()
    # `give` gave 'good': the first holds; the second does not, and cancels.
    assert run.state is State.CANCELLED
    assert run.labels() == [("second", "violated")]


def test_an_execution_that_keeps_its_promises_ends_as_its_tasks_say() -> None:
    text = OUTPUTS.replace("== 'also good'", "!= 'bad'")
    run = Timed(text, {"answer": "good"}).until_end()
    assert run.state is State.SUCCESS
    assert run.started == ["give", "after"]
    assert run.lines("WARN") == []
