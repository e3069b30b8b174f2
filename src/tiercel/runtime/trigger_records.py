"""The scheduler's trigger records and their locks.

Like Kestra's, a scheduled or polling trigger that started an execution is locked
(``execution_id`` on its record) until that execution ends. Every read-modify-write of a record
goes through one re-entrant lock: ``start`` may run an execution to its end, and so unlock its
trigger, before returning to the evaluation that started it.
"""

import collections
import threading
from dataclasses import replace
from datetime import datetime
from typing import Any

from tiercel.model.execution import Execution
from tiercel.model.flow import Flow
from tiercel.model.state import State
from tiercel.model.task import Trigger
from tiercel.runtime.services import Services
from tiercel.storage.records import TriggerRecord


class TriggerRecords:
    """Reads, creates, saves and locks the trigger records of ``services.triggers``.

    Args:
        services: The stores and the clock.
    """

    def __init__(self, services: Services) -> None:
        self._services = services
        self.lock = threading.RLock()
        """Held for one evaluation or record update at a time."""
        # Executions that ended before the record naming them was saved.
        self._ended: collections.deque[str] = collections.deque(maxlen=1000)

    def get(self, flow: Flow, trigger: Trigger) -> TriggerRecord | None:
        """The record of ``trigger``, if one was saved."""
        return self._services.triggers.get(flow.namespace, flow.id, trigger.id)

    def record(self, flow: Flow, trigger: Trigger, now: datetime) -> TriggerRecord:
        """The record of ``trigger``, created (and saved) on first sight."""
        record = self.get(flow, trigger)
        if record is None:
            record = TriggerRecord(flow.namespace, flow.id, trigger.id, updated_at=now)
            self._services.triggers.save(record)
        return record

    def save(self, record: TriggerRecord, now: datetime) -> TriggerRecord:
        """Save ``record``, stamped ``now``; the record saved."""
        saved = replace(record, updated_at=now)
        self._services.triggers.save(saved)
        return saved

    def save_state(self, record: TriggerRecord, state: dict[str, Any]) -> None:
        """Save a trigger type's own ``state`` on the current version of ``record``."""
        with self.lock:
            current = self._services.triggers.get(*record.uid) or record
            self.save(replace(current, state=state), self._services.clock())

    def commit(self, record: TriggerRecord, started: str | None, now: datetime) -> None:
        """Save a record after starting an execution, locked by it unless it already ended;
        ``start`` may have changed the stored record meanwhile (ended, or ``stopAfter``)."""
        fresh = self._services.triggers.get(*record.uid) or record
        locked = started if started is not None and not self._has_ended(started) else None
        self.save(
            replace(
                fresh,
                date=record.date,
                next_execution_date=record.next_execution_date,
                state=record.state,
                execution_id=locked if started is not None else fresh.execution_id,
            ),
            now,
        )

    def release(self, execution: Execution, stop_after: list[State] | None) -> None:
        """Unlock the record of the trigger that started ``execution`` (it ended), and
        disable it when the execution ended in one of ``stop_after``'s states."""
        started_by = execution.trigger
        if started_by is None:
            return
        with self.lock:
            store = self._services.triggers
            record = store.get(execution.namespace, execution.flow_id, started_by.id)
            if record is None:
                return
            changes: dict[str, Any] = {}
            if record.execution_id == execution.id:
                changes["execution_id"] = None
            else:
                self._ended.append(execution.id)
            if stop_after and execution.state.current in stop_after and not record.disabled:
                changes["disabled"] = True
            if changes:
                store.save(replace(record, updated_at=self._services.clock(), **changes))

    def _has_ended(self, execution_id: str) -> bool:
        """Whether the execution has ended already: its end was heard of here, or the store
        says so (an executor in another process ended it before the record was locked)."""
        if execution_id in self._ended:
            return True
        execution = self._services.executions.get(execution_id)
        return execution is not None and execution.state.current.is_terminated
