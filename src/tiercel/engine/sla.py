"""Flow SLAs (Kestra's ``sla``, a beta feature): promises an execution is held to.

``MAX_DURATION`` is watched by a timer the engine asks for as the execution starts, due when
the duration has passed since the execution was created; if the execution is still going
then, the SLA is violated. ``EXECUTION_ASSERTION`` is checked each time an event changes an
execution that has not ended, after the event's own change and before the engine works out
what follows, so the outputs of the task that just ended are there to see: Kestra checks it
on every change of the execution until it ends, and never on the ended execution.

A violation is logged; with ``FAIL`` or ``CANCEL`` the execution ends at once in that state
and its live task runs are stopped, with ``NONE`` it goes on; either way the SLA's labels
are added to the execution. When several assertions fail together, only the first one
acts; every one is logged.
"""

from datetime import timedelta

from tiercel.engine.context import base_variables
from tiercel.engine.core import EngineCore
from tiercel.engine.events import Event, ExecutionEnded, Recover, SetTimer, SlaExpired
from tiercel.expr import ExpressionError, is_truthy, render
from tiercel.model.execution import evolve
from tiercel.model.flow import Sla, SlaBehavior, SlaType
from tiercel.model.property import format_duration
from tiercel.model.state import State
from tiercel.model.task import LogLevel

_ENDS_AS = {SlaBehavior.FAIL: State.FAILED, SlaBehavior.CANCEL: State.CANCELLED}


class Slas(EngineCore):
    """The handlers that hold an execution to its flow's SLAs."""

    def enforce_slas(self, event: Event, before: State) -> None:
        """After ``event`` changed an execution that was in state ``before``: set the
        deadlines of a run that has just begun, then check the assertions."""
        if not self.view.flow.sla or self.view.execution.state.current.is_terminated:
            return
        beginning = before in (State.CREATED, State.QUEUED) or before.is_terminated
        # Timers live in the process that set them: once it is gone (a full recovery), they
        # are set again. As in Kestra, a restart is held to the deadline of the first run.
        recovered = isinstance(event, Recover) and event.lost is None
        if beginning or recovered:
            for sla in self._slas(SlaType.MAX_DURATION):
                self._watch(sla)
        self._check_assertions()

    def sla_expired(self, event: SlaExpired) -> None:
        """A ``MAX_DURATION`` deadline has come: violated unless the execution has ended."""
        execution = self.view.execution
        if execution.state.current.is_terminated:
            return
        sla = next((s for s in self._slas(SlaType.MAX_DURATION) if s.id == event.sla_id), None)
        if sla is None or sla.duration is None:
            return  # the SLA is no longer in the flow
        elapsed = self.now - execution.state.start_date
        if elapsed < sla.duration:
            self._watch(sla)  # woken early: wait again for the deadline
            return
        elapsed -= timedelta(microseconds=elapsed.microseconds % 1000)
        reason = (
            f"execution duration of {format_duration(elapsed)} exceed the maximum duration"
            f" of {format_duration(sla.duration)}."
        )
        self._log(None, LogLevel.WARN, f"SLA '{sla.id}' violated: {reason}")
        self._violated(sla, reason)

    def _slas(self, kind: SlaType) -> list[Sla]:
        return [sla for sla in self.view.flow.sla or [] if sla.type is kind]

    def _watch(self, sla: Sla) -> None:
        if sla.duration is None:
            self._log(None, LogLevel.WARN, f"SLA '{sla.id}' ignored: it has no duration")
            return
        deadline = self.view.execution.state.start_date + sla.duration
        self.step.commands.append(SetTimer(deadline, SlaExpired(sla.id)))

    def _check_assertions(self) -> None:
        assertions = self._slas(SlaType.EXECUTION_ASSERTION)
        if not assertions:
            return
        variables = base_variables(self.view)
        violations: list[tuple[Sla, str]] = []
        for sla in assertions:
            if not sla.assert_:
                continue
            try:
                holds = is_truthy(render(sla.assert_, variables))
            except ExpressionError as exc:
                message = f"Ignoring SLA '{sla.id}' because of the error: {exc}"
                self._log(None, LogLevel.ERROR, message)
                continue
            if not holds:
                violations.append((sla, f"assertion is false: {sla.assert_}."))
        for sla, reason in violations:
            self._log(None, LogLevel.WARN, f"SLA '{sla.id}' violated: {reason}")
        if violations:
            self._violated(*violations[0])

    def _violated(self, sla: Sla, reason: str) -> None:
        """Apply the SLA's behaviour and labels to the execution."""
        end = _ENDS_AS.get(sla.behavior)
        if end is State.FAILED:
            message = f"Execution failed due to SLA '{sla.id}' violated: {reason}"
            self._log(None, LogLevel.ERROR, message)
        execution = self.view.execution
        present = {(label.key, label.value) for label in execution.labels}
        missing = [x for x in sla.labels or [] if (x.key, x.value) not in present]
        if missing:
            self.view.execution = evolve(execution, labels=(*execution.labels, *missing))
            self.step.execution_changed = True
        if end is None:
            return
        # The live task runs end in the execution's new state, as Kestra's workers end the
        # tasks they are told to kill for an SLA.
        self._stop_live_runs(end)
        self._set_execution_state(end)
        self.step.commands.append(ExecutionEnded(self.view.execution))
        self.pending.append(None)  # afterExecution tasks still run
