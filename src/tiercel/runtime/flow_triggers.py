"""Flow triggers: an execution that changes state (ends, by default) may start executions of
the flows that listen for it.

A listening trigger is any that fits the SDK's ``ExecutionListeningTrigger`` (Kestra's
``io.kestra.plugin.core.trigger.Flow``, or a third party's), found by that protocol.

Each Flow trigger keeps its precondition windows in its record's state, so that "flow A
twice, then flow B, within an hour" counts across executions and across restarts.
"""

import logging
from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import datetime
from typing import Any

from tiercel.engine.preconditions import UpstreamExecution, flow_trigger_fires
from tiercel.engine.view import ExecutionView
from tiercel.expr import render_value
from tiercel.model.execution import Execution, ExecutionTrigger, TaskRun
from tiercel.model.flow import Flow
from tiercel.model.labels import Label
from tiercel.model.task import Trigger
from tiercel.ops.playground import playground_task
from tiercel.runtime.services import Services
from tiercel.runtime.trigger_starts import StartRequest
from tiercel.sdk import ExecutionListeningTrigger
from tiercel.storage.records import TriggerRecord

_log = logging.getLogger("tiercel.flow-triggers")


class FlowTriggers:
    """Evaluates every deployed listening trigger against each execution that changes state."""

    def __init__(
        self,
        services: Services,
        flows: Callable[[], Iterable[Flow]],
        start: Callable[[StartRequest], str | None],
    ) -> None:
        self._services = services
        self._flows = flows
        self._start = start

    def execution_changed(self, execution: Execution) -> list[str]:
        """Start the executions that ``execution``'s new state triggers (a trigger's
        ``states`` are the ended ones unless it says otherwise); their ids."""
        if playground_task(execution) is not None:
            return []  # one task tried alone is not a run of its flow: nothing downstream
        listeners: list[tuple[Flow, Trigger]] = [
            (flow, trigger)
            for flow in self._flows()
            if not flow.disabled
            for trigger in flow.triggers or []
            if isinstance(trigger, ExecutionListeningTrigger)
            and not trigger.disabled
            # Listening for this state: most changes (to RUNNING, say) concern none, and cost
            # no read of the execution's task runs.
            and execution.state.current in trigger.states
        ]
        if not listeners:
            return []
        stored = self._services.executions.load(execution.id)
        runs = stored[1] if stored else []
        started = []
        now = self._services.clock()
        for flow, trigger in listeners:
            if (flow.namespace, flow.id) == (execution.namespace, execution.flow_id):
                continue  # a flow never triggers itself
            try:
                execution_id = self._evaluate(flow, trigger, execution, runs, now)
            except Exception as exc:  # one listener's bad inputs must not starve the others
                _log.warning(
                    "%s.%s: flow trigger %s failed: %s", flow.namespace, flow.id, trigger.id, exc
                )
                continue
            if execution_id is not None:
                started.append(execution_id)
        return started

    def _evaluate(
        self,
        flow: Flow,
        trigger: Trigger,
        execution: Execution,
        runs: list[TaskRun],
        now: datetime,
    ) -> str | None:
        if not isinstance(trigger, ExecutionListeningTrigger):
            return None
        record = self._services.triggers.get(flow.namespace, flow.id, trigger.id)
        if record is not None and record.disabled:
            return None
        base = {"flow": {"id": flow.id, "namespace": flow.namespace}}
        context = UpstreamExecution.of(execution, runs, base)

        def warn(message: str, flow: Flow = flow) -> None:
            _log.warning("%s.%s: %s", flow.namespace, flow.id, message)

        before = _state(record)
        fires, state = flow_trigger_fires(trigger, context, before, now, warn=warn)
        if fires or state != before or record is None:
            # Most ends concern no listener's window: those cost no write.
            record = record or TriggerRecord(flow.namespace, flow.id, trigger.id, updated_at=now)
            self._services.triggers.save(replace(record, state=state, updated_at=now, date=now))
        if not fires:
            return None
        variables = {
            "executionId": execution.id,
            "namespace": execution.namespace,
            "flowId": execution.flow_id,
            "flowRevision": execution.flow_revision,
            "state": execution.state.current.value,
            "outputs": execution.outputs or {},
        }
        # Kestra renders them in a run context of the upstream execution: its task
        # outputs are ``outputs``, its inputs ``inputs``.
        seen = {
            **context.variables,
            "outputs": self._task_outputs(execution, runs),
            "inputs": dict(execution.inputs or {}),
            "trigger": variables,
        }
        inputs = render_value(trigger.inputs or {}, seen)
        labels = tuple(
            Label(
                key=label.key,
                value=str(render_value(label.value, {**base, "trigger": variables})),
            )
            for label in trigger.labels or []
        )
        request = StartRequest(
            flow=flow,
            trigger=ExecutionTrigger(id=trigger.id, type=trigger.type, variables=variables),
            inputs=inputs,
            labels=labels,
        )
        return self._start(request)

    def _task_outputs(self, execution: Execution, runs: list[TaskRun]) -> dict[str, Any]:
        """The upstream's task outputs by task id, nested by loop values."""
        upstream = next(
            (
                flow
                for flow in self._flows()
                if (flow.namespace, flow.id) == (execution.namespace, execution.flow_id)
            ),
            None,
        )
        if upstream is None:
            return {run.task_id: run.outputs for run in runs if run.outputs is not None}
        return ExecutionView(upstream, execution, runs).outputs


def _state(record: TriggerRecord | None) -> dict[str, object]:
    return dict(record.state) if record is not None else {}
