"""How a trigger's firing or emission becomes an execution request, and the conditions and
contexts the scheduler's triggers are evaluated with."""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from tiercel.model.execution import ExecutionTrigger
from tiercel.model.flow import Flow
from tiercel.model.labels import Label
from tiercel.model.task import LogLevel, Trigger
from tiercel.runtime.schedules import Accepts, Firing
from tiercel.runtime.services import Services
from tiercel.runtime.trigger_context import (
    ScheduleConditionContext,
    SchedulerTriggerContext,
    environment,
    flow_variables,
    log_trigger,
)
from tiercel.sdk import Emission
from tiercel.storage.records import TriggerRecord


@dataclass(frozen=True, slots=True)
class StartRequest:
    """An execution a trigger asks for.

    Attributes:
        flow: The flow to execute (its deployed revision).
        trigger: What started it: the trigger's id and type, and the ``trigger.*`` variables.
        inputs: The inputs, rendered (the flow's defaults are not applied yet).
        labels: The trigger's labels (and a backfill's), rendered; the flow's labels and
            ``system.correlationId`` are the executor's to add.
        schedule_date: When to start it (ScheduleOnDates' listed date); None to start it now.
    """

    flow: Flow
    trigger: ExecutionTrigger
    inputs: Mapping[str, Any] = field(default_factory=dict)
    labels: tuple[Label, ...] = ()
    schedule_date: datetime | None = None


class TriggerStarts:
    """Renders what a trigger asks for into a ``StartRequest`` and hands it to ``start``.

    Args:
        services: The stores, the clock and the server's functions.
        start: Creates and starts an execution; its id, or None when it was refused.
        allowed_paths: The local paths triggers may read (Kestra's ``allowed-paths``).
    """

    def __init__(
        self,
        services: Services,
        start: Callable[[StartRequest], str | None],
        allowed_paths: Sequence[str] = (),
    ) -> None:
        self._services = services
        self._start = start
        self._allowed_paths = tuple(allowed_paths)

    def fire(
        self,
        flow: Flow,
        trigger: Trigger,
        declared_inputs: Mapping[str, Any] | None,
        firing: Firing,
        now: datetime,
    ) -> str | None:
        """Start the execution of a scheduled date (or a backfill's); its id, if started."""
        variables = {**flow_variables(self._services, flow), "trigger": dict(firing.variables)}
        variables["schedule"] = variables["trigger"]
        render = ScheduleConditionContext(
            flow.namespace, flow.id, variables, environment(self._services, flow.namespace)
        ).render
        inputs = dict(render(dict(declared_inputs or {})))
        labels = _labels(trigger, render)
        if firing.backfill is not None:
            inputs.update(render(dict(firing.backfill.get("inputs") or {})))
            for label in firing.backfill.get("labels") or ():
                value = render(label.get("value"))
                if value is not None:
                    labels.append(Label.model_validate({"key": label["key"], "value": value}))
        request = StartRequest(
            flow=flow,
            trigger=ExecutionTrigger(
                id=trigger.id, type=trigger.type, variables=dict(firing.variables)
            ),
            inputs=inputs,
            labels=tuple(labels),
            schedule_date=firing.schedule_date,
        )
        execution_id = self._call_start(flow, trigger, request)
        if execution_id is not None:
            self.log(
                flow,
                trigger,
                LogLevel.INFO,
                f"Scheduled execution {execution_id} at '{firing.variables.get('date')}' "
                f"started at '{now.isoformat()}'",
            )
        return execution_id

    def emit(self, flow: Flow, trigger: Trigger, emission: Emission) -> str | None:
        """Start the execution a polling or realtime trigger emitted; its id, if started."""
        context = SchedulerTriggerContext(self._services, flow, trigger, ())
        labels = _labels(trigger, context.render)
        labels.extend(
            Label.model_validate({"key": key, "value": value})
            for key, value in emission.labels.items()
        )
        request = StartRequest(
            flow=flow,
            trigger=ExecutionTrigger(
                id=trigger.id, type=trigger.type, variables=dict(emission.variables)
            ),
            labels=tuple(labels),
        )
        return self._call_start(flow, trigger, request)

    def context(
        self, flow: Flow, trigger: Trigger, record: TriggerRecord
    ) -> SchedulerTriggerContext:
        """The context a trigger is evaluated with, holding a copy of its record's state."""
        return SchedulerTriggerContext(
            self._services, flow, trigger, self._allowed_paths, state=dict(record.state)
        )

    def acceptor(self, flow: Flow, trigger: Trigger) -> Accepts:
        """Whether the trigger's conditions hold for given ``trigger.*`` variables; a condition
        the server cannot evaluate refuses (with a warning) rather than fire unchecked."""
        env = environment(self._services, flow.namespace)
        base = flow_variables(self._services, flow)

        def accepts(trigger_variables: Mapping[str, Any]) -> bool:
            variables = {**base, "trigger": dict(trigger_variables)}
            variables["schedule"] = variables["trigger"]
            context = ScheduleConditionContext(flow.namespace, flow.id, variables, env)
            for condition in trigger.conditions or ():
                try:
                    if not condition.test(context):
                        return False
                except NotImplementedError:
                    self.log(
                        flow,
                        trigger,
                        LogLevel.WARN,
                        f"condition not supported, date skipped: {condition.type}",
                    )
                    return False
            return True

        return accepts

    def log(self, flow: Flow, trigger: Trigger, level: LogLevel, message: str) -> None:
        """Log a line about ``trigger`` (shown with the flow's trigger logs)."""
        log_trigger(self._services, flow, trigger, level, message)

    def _call_start(self, flow: Flow, trigger: Trigger, request: StartRequest) -> str | None:
        try:
            execution_id = self._start(request)
        except Exception as exc:
            self.log(flow, trigger, LogLevel.ERROR, f"Unable to start an execution: {exc}")
            return None
        if execution_id is None:
            self.log(flow, trigger, LogLevel.WARN, "The execution was refused")
        return execution_id


def _labels(trigger: Trigger, render: Callable[[Any], Any]) -> list[Label]:
    return [
        Label.model_validate({"key": label.key, "value": str(render(label.value))})
        for label in trigger.labels or ()
    ]
