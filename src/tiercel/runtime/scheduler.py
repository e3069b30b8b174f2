"""The scheduler: fires the scheduled, polling and realtime triggers of the deployed flows.

It finds them by the SDK's contracts, not by class: ``ScheduledTrigger`` (Kestra's Schedule
and ScheduleOnDates, or any trigger with a ``calendar``), ``PollingTrigger`` and
``RealtimeTrigger``; a third-party package's triggers take part like the core ones.

``tick(now)`` does one pass with the time passed in, so tests move a fake clock instead of
sleeping; ``serve`` loops on the services' clock and runs each realtime trigger on a thread of
its own. Like Kestra's, a scheduled or polling trigger that started an execution is locked
(``execution_id`` on its record) until that execution ends (``execution_ended``): missed dates
then fire one after the other. Flow triggers and webhooks are not the scheduler's business.
"""

import collections
import logging
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from tiercel.model.execution import Execution, ExecutionTrigger
from tiercel.model.flow import Flow
from tiercel.model.labels import Label
from tiercel.model.task import LogLevel, Trigger
from tiercel.runtime.schedules import Firing, active_backfill, first_date, plan, recover, utc
from tiercel.runtime.services import Services
from tiercel.runtime.trigger_context import (
    ScheduleConditionContext,
    SchedulerTriggerContext,
    environment,
    flow_variables,
    log_trigger,
)
from tiercel.sdk import Emission, PollingTrigger, RealtimeTrigger, ScheduledTrigger, TaskFailure
from tiercel.storage.records import TriggerRecord

_LOG = logging.getLogger("tiercel.scheduler")
_Uid = tuple[str, str, str]
_TIMED = (ScheduledTrigger, PollingTrigger)


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


@dataclass
class _Listener:
    trigger: RealtimeTrigger
    thread: threading.Thread
    stop: threading.Event


class Scheduler:
    """Fires the time-based, polling and realtime triggers of the deployed flows.

    Args:
        services: The stores; trigger records live in ``services.triggers``.
        flows: Returns the deployed flows (latest revisions), called on every pass.
        start: Creates and starts an execution; its id, or None when it was refused. Called
            from the scheduler's thread and from realtime triggers' threads.
        allowed_paths: The local paths triggers may read (Kestra's ``allowed-paths``).
        listener_restart_delay: Seconds before a realtime trigger that failed listens again.
    """

    def __init__(
        self,
        services: Services,
        flows: Callable[[], Iterable[Flow]],
        start: Callable[[StartRequest], str | None],
        *,
        allowed_paths: Sequence[str] = (),
        listener_restart_delay: float = 5.0,
    ) -> None:
        self._services = services
        self._flows = flows
        self._start = start
        self._allowed_paths = tuple(allowed_paths)
        self._restart_delay = listener_restart_delay
        # One evaluation or record update at a time; re-entrant because ``start`` may run an
        # execution to its end and call ``execution_ended`` before returning.
        self._lock = threading.RLock()
        self._seen: set[_Uid] = set()
        # Executions that ended before the record naming them was saved.
        self._ended: collections.deque[str] = collections.deque(maxlen=1000)
        self._listeners: dict[_Uid, _Listener] = {}

    # One pass

    def tick(self, now: datetime) -> list[str]:
        """Evaluate every due scheduled and polling trigger once.

        Args:
            now: The current time (aware).

        Returns:
            The ids of the executions started, in order.
        """
        now = utc(now).replace(microsecond=0)
        started: list[str] = []
        for flow, trigger in self._triggers(_TIMED):
            with self._lock:
                try:
                    started.extend(self._evaluate(flow, trigger, now))
                except Exception as exc:
                    self._log(flow, trigger, LogLevel.ERROR, f"Evaluate failed: {exc}")
        return started

    def execution_ended(self, execution: Execution) -> None:
        """Unlock the trigger that started ``execution`` and apply its ``stopAfter``."""
        started_by = execution.trigger
        if started_by is None:
            return
        with self._lock:
            store = self._services.triggers
            record = store.get(execution.namespace, execution.flow_id, started_by.id)
            if record is None:
                return
            changes: dict[str, Any] = {}
            if record.execution_id == execution.id:
                changes["execution_id"] = None
            else:
                self._ended.append(execution.id)
            trigger = self._declared(execution.namespace, execution.flow_id, started_by.id)
            stop_after = trigger.stop_after if trigger is not None else None
            if stop_after and execution.state.current in stop_after and not record.disabled:
                changes["disabled"] = True
            if changes:
                store.save(replace(record, updated_at=self._services.clock(), **changes))

    def next_wake(self) -> datetime | None:
        """When the next trigger is due (the current time for one due already); None when
        no trigger waits for a date."""
        earliest: datetime | None = None
        for flow, trigger in self._triggers(_TIMED):
            record = self._services.triggers.get(flow.namespace, flow.id, trigger.id)
            if record is None:
                return self._services.clock()
            if record.disabled or record.execution_id is not None:
                continue
            backfill = active_backfill(record)
            if backfill is not None and backfill.get("paused"):
                continue
            due = record.next_execution_date
            if due is None:
                if isinstance(trigger, PollingTrigger) or backfill is not None:
                    return self._services.clock()
                continue
            earliest = due if earliest is None or due < earliest else earliest
        return earliest

    def serve(self, stop: threading.Event) -> None:
        """Tick on the services' clock until ``stop`` is set, sleeping until the next due
        date (at most a second), with each realtime trigger listening on its own thread."""
        try:
            while not stop.is_set():
                try:
                    self.tick(self._services.clock())
                    self._sync_listeners()
                    wake = self.next_wake()
                except Exception:
                    _LOG.exception("scheduler pass failed")
                    wake = None
                delay = 1.0
                if wake is not None:
                    delay = (wake - self._services.clock()).total_seconds()
                stop.wait(min(max(delay, 0.01), 1.0))
        finally:
            self._stop_listeners()

    # Evaluation

    def _evaluate(self, flow: Flow, trigger: Trigger, now: datetime) -> list[str]:
        record = self._record(flow, trigger, now)
        if record.disabled:
            if record.next_execution_date is not None:
                # Enabled again, it starts from then: the dates it was off are not missed.
                self._save(replace(record, next_execution_date=None), now)
            return []
        if isinstance(trigger, PollingTrigger):
            return self._poll(flow, trigger, record, now)
        if not isinstance(trigger, ScheduledTrigger):
            return []
        calendar = trigger.calendar(self._context(flow, trigger, record))
        if record.uid not in self._seen:
            self._seen.add(record.uid)
            recovered = recover(calendar, trigger.recover_missed_schedules, record, now)
            if recovered != record:
                record = self._save(recovered, now)
        if record.execution_id is not None:
            return []
        if record.next_execution_date is None and active_backfill(record) is None:
            first = first_date(calendar, now)
            if first is not None:  # None: a calendar with no date left
                self._save(replace(record, next_execution_date=first), now)
            return []
        accepts = self._acceptor(flow, trigger) if trigger.conditions else None
        planned = plan(calendar, record, now, accepts)
        if planned is None:
            return []
        if planned.firing is None:
            self._save(planned.record, now)
            return []
        started = self._fire(flow, trigger, trigger.inputs, planned.firing, now)
        self._commit(planned.record, started, now)
        return [] if started is None else [started]

    def _poll(
        self, flow: Flow, trigger: PollingTrigger, record: TriggerRecord, now: datetime
    ) -> list[str]:
        if record.execution_id is not None:
            return []
        if record.next_execution_date is not None and record.next_execution_date > now:
            return []
        after = replace(record, date=now, next_execution_date=now + trigger.interval)
        if trigger.conditions and not self._acceptor(flow, trigger)({}):
            self._save(after, now)
            return []
        context = self._context(flow, trigger, record)
        context.clock = lambda: now
        try:
            emissions = trigger.evaluate(context)
        except TaskFailure as exc:
            self._log(flow, trigger, LogLevel.WARN, f"Evaluate failed with error '{exc}'")
            self._save(after, now)
            return []
        except NotImplementedError as exc:
            self._log(flow, trigger, LogLevel.ERROR, str(exc))
            self._save(after, now)
            return []
        started = [
            execution_id
            for emission in emissions
            if (execution_id := self._emit(flow, trigger, emission)) is not None
        ]
        self._commit(
            replace(after, state=dict(context.state)), started[-1] if started else None, now
        )
        return started

    def _fire(
        self,
        flow: Flow,
        trigger: Trigger,
        declared_inputs: Mapping[str, Any] | None,
        firing: Firing,
        now: datetime,
    ) -> str | None:
        variables = {**flow_variables(self._services, flow), "trigger": dict(firing.variables)}
        variables["schedule"] = variables["trigger"]
        render = ScheduleConditionContext(
            flow.namespace, flow.id, variables, environment(self._services, flow.namespace)
        ).render
        inputs = dict(render(dict(declared_inputs or {})))
        labels = self._labels(trigger, render)
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
            self._log(
                flow,
                trigger,
                LogLevel.INFO,
                f"Scheduled execution {execution_id} at '{firing.variables.get('date')}' "
                f"started at '{now.isoformat()}'",
            )
        return execution_id

    def _emit(self, flow: Flow, trigger: Trigger, emission: Emission) -> str | None:
        context = SchedulerTriggerContext(self._services, flow, trigger, ())
        labels = self._labels(trigger, context.render)
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

    def _call_start(self, flow: Flow, trigger: Trigger, request: StartRequest) -> str | None:
        try:
            execution_id = self._start(request)
        except Exception as exc:
            self._log(flow, trigger, LogLevel.ERROR, f"Unable to start an execution: {exc}")
            return None
        if execution_id is None:
            self._log(flow, trigger, LogLevel.WARN, "The execution was refused")
        return execution_id

    def _commit(self, record: TriggerRecord, started: str | None, now: datetime) -> None:
        """Save a record after starting an execution, locked by it unless it already ended;
        ``start`` may have changed the record meanwhile (ended, or ``stopAfter``)."""
        fresh = self._services.triggers.get(*record.uid) or record
        locked = started if started is not None and not self._has_ended(started) else None
        self._save(
            replace(
                fresh,
                date=record.date,
                next_execution_date=record.next_execution_date,
                state=record.state,
                execution_id=locked if started is not None else fresh.execution_id,
            ),
            now,
        )

    def _has_ended(self, execution_id: str) -> bool:
        """Whether the execution has ended already: this scheduler heard of it, or the store
        says so (an executor in another process ended it before the record was locked)."""
        if execution_id in self._ended:
            return True
        execution = self._services.executions.get(execution_id)
        return execution is not None and execution.state.current.is_terminated

    # Helpers

    def _triggers(self, kinds: tuple[type, ...]) -> Iterable[tuple[Flow, Any]]:
        for flow in self._flows():
            if flow.disabled or flow.deleted:
                continue
            for trigger in flow.triggers or ():
                if isinstance(trigger, kinds) and not trigger.disabled:
                    yield flow, trigger

    def _declared(self, namespace: str, flow_id: str, trigger_id: str) -> Trigger | None:
        for flow in self._flows():
            if flow.namespace == namespace and flow.id == flow_id:
                return next((t for t in flow.triggers or () if t.id == trigger_id), None)
        return None

    def _record(self, flow: Flow, trigger: Trigger, now: datetime) -> TriggerRecord:
        record = self._services.triggers.get(flow.namespace, flow.id, trigger.id)
        if record is None:
            record = TriggerRecord(flow.namespace, flow.id, trigger.id, updated_at=now)
            self._services.triggers.save(record)
        return record

    def _save(self, record: TriggerRecord, now: datetime) -> TriggerRecord:
        saved = replace(record, updated_at=now)
        self._services.triggers.save(saved)
        return saved

    def _log(self, flow: Flow, trigger: Trigger, level: LogLevel, message: str) -> None:
        log_trigger(self._services, flow, trigger, level, message)

    def _context(
        self, flow: Flow, trigger: Trigger, record: TriggerRecord
    ) -> SchedulerTriggerContext:
        return SchedulerTriggerContext(
            self._services, flow, trigger, self._allowed_paths, state=dict(record.state)
        )

    def _labels(self, trigger: Trigger, render: Callable[[Any], Any]) -> list[Label]:
        return [
            Label.model_validate({"key": label.key, "value": str(render(label.value))})
            for label in trigger.labels or ()
        ]

    def _acceptor(self, flow: Flow, trigger: Trigger) -> Callable[[Mapping[str, Any]], bool]:
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
                    self._log(
                        flow,
                        trigger,
                        LogLevel.WARN,
                        f"condition not supported, date skipped: {condition.type}",
                    )
                    return False
            return True

        return accepts

    # Realtime triggers

    def _sync_listeners(self) -> None:
        wanted: dict[_Uid, tuple[Flow, RealtimeTrigger]] = {}
        for flow, trigger in self._triggers((RealtimeTrigger,)):
            with self._lock:
                record = self._record(flow, trigger, self._services.clock())
            if not record.disabled:
                wanted[record.uid] = (flow, trigger)
        for uid, listener in list(self._listeners.items()):
            entry = wanted.get(uid)
            if entry is None or entry[1] != listener.trigger or not listener.thread.is_alive():
                listener.stop.set()
                del self._listeners[uid]
        for uid, (flow, trigger) in wanted.items():
            if uid not in self._listeners:
                stop = threading.Event()
                thread = threading.Thread(
                    target=self._listen,
                    args=(flow, trigger, stop),
                    name=f"trigger-{flow.namespace}.{flow.id}.{trigger.id}",
                    daemon=True,
                )
                self._listeners[uid] = _Listener(trigger, thread, stop)
                thread.start()

    def _listen(self, flow: Flow, trigger: RealtimeTrigger, stop: threading.Event) -> None:
        with self._lock:
            record = self._record(flow, trigger, self._services.clock())
        context = self._context(flow, trigger, record)

        def emit(emission: Emission) -> None:
            self._emit(flow, trigger, emission)
            with self._lock:
                current = self._services.triggers.get(*record.uid) or record
                self._save(replace(current, state=dict(context.state)), self._services.clock())

        while not stop.is_set():
            try:
                trigger.listen(context, emit, stop)
            except Exception as exc:
                self._log(flow, trigger, LogLevel.ERROR, f"Listening failed: {exc}")
            stop.wait(self._restart_delay)

    def _stop_listeners(self) -> None:
        listeners = list(self._listeners.values())
        self._listeners.clear()
        for listener in listeners:
            listener.stop.set()
        for listener in listeners:
            listener.thread.join(timeout=self._restart_delay + 5.0)
