"""The scheduler: fires the scheduled, polling and realtime triggers of the deployed flows.

It finds them by the SDK's contracts, not by class: ``ScheduledTrigger`` (Kestra's Schedule
and ScheduleOnDates, or any trigger with a ``calendar``), ``PollingTrigger`` and
``RealtimeTrigger``; a third-party package's triggers take part like the core ones.

``tick(now)`` does one pass with the time passed in, so tests move a fake clock instead of
sleeping; ``serve`` loops on the services' clock and runs each realtime trigger on a thread of
its own. Like Kestra's, a scheduled or polling trigger that started an execution is locked
(``execution_id`` on its record) until that execution ends (``execution_ended``): missed dates
then fire one after the other. Flow triggers and webhooks are not the scheduler's business.

The scheduler composes small parts: ``TriggerRecords`` (records and their locks),
``TriggerStarts`` (rendering requests, conditions), ``ScheduleRuns`` (scheduled triggers),
``Polling`` and ``RealtimeListeners``.
"""

import logging
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from tiercel.model.execution import Execution
from tiercel.model.flow import Flow
from tiercel.model.task import LogLevel, Trigger
from tiercel.runtime.polling import Polling
from tiercel.runtime.realtime import RealtimeListeners
from tiercel.runtime.schedule_runs import ScheduleRuns
from tiercel.runtime.schedules import active_backfill, utc
from tiercel.runtime.services import Services
from tiercel.runtime.trigger_records import TriggerRecords
from tiercel.runtime.trigger_starts import StartRequest, TriggerStarts
from tiercel.sdk import PollingTrigger, RealtimeTrigger, ScheduledTrigger

__all__ = ["Scheduler", "StartRequest"]

_LOG = logging.getLogger("tiercel.scheduler")
_TIMED = (ScheduledTrigger, PollingTrigger)


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
        self._records = TriggerRecords(services)
        self._starts = TriggerStarts(services, start, allowed_paths)
        self._schedules = ScheduleRuns(self._records, self._starts)
        self._polling = Polling(self._records, self._starts)
        self._realtime = RealtimeListeners(
            services, self._records, self._starts, listener_restart_delay
        )

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
            with self._records.lock:
                try:
                    started.extend(self._evaluate(flow, trigger, now))
                except Exception as exc:
                    self._starts.log(flow, trigger, LogLevel.ERROR, f"Evaluate failed: {exc}")
        return started

    def execution_ended(self, execution: Execution) -> None:
        """Unlock the trigger that started ``execution`` and apply its ``stopAfter``."""
        if execution.trigger is None:
            return
        trigger = self._declared(execution.namespace, execution.flow_id, execution.trigger.id)
        if trigger is not None and not isinstance(trigger, _TIMED) and not trigger.stop_after:
            # Only a schedule or a polling trigger locks its record: a webhook's end (one per
            # call) has nothing to unlock, and reads no record.
            return
        self._records.release(execution, trigger.stop_after if trigger is not None else None)

    def next_wake(self) -> datetime | None:
        """When the next trigger is due (the current time for one due already); None when
        no trigger waits for a date."""
        earliest: datetime | None = None
        for flow, trigger in self._triggers(_TIMED):
            record = self._records.get(flow, trigger)
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
                    self._realtime.sync(self._triggers((RealtimeTrigger,)))
                    wake = self.next_wake()
                except Exception:
                    _LOG.exception("scheduler pass failed")
                    wake = None
                delay = 1.0
                if wake is not None:
                    delay = (wake - self._services.clock()).total_seconds()
                stop.wait(min(max(delay, 0.01), 1.0))
        finally:
            self._realtime.stop()

    def _evaluate(self, flow: Flow, trigger: Trigger, now: datetime) -> list[str]:
        record = self._records.record(flow, trigger, now)
        if record.disabled:
            if record.next_execution_date is not None:
                # Enabled again, it starts from then: the dates it was off are not missed.
                self._records.save(replace(record, next_execution_date=None), now)
            return []
        if isinstance(trigger, PollingTrigger):
            return self._polling.evaluate(flow, trigger, record, now)
        return self._schedules.evaluate(flow, trigger, record, now)

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
