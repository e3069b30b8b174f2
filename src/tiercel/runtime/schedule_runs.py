"""One evaluation of a scheduled trigger (Kestra's Schedule, ScheduleOnDates, or any trigger
with a ``calendar``): missed dates recovered once, the next date planned, backfills followed."""

from dataclasses import replace
from datetime import datetime

from tiercel.model.flow import Flow
from tiercel.model.task import Trigger
from tiercel.runtime.schedules import active_backfill, first_date, plan, recover
from tiercel.runtime.trigger_records import TriggerRecords
from tiercel.runtime.trigger_starts import TriggerStarts
from tiercel.sdk import ScheduledTrigger
from tiercel.storage.records import TriggerRecord

_Uid = tuple[str, str, str]


class ScheduleRuns:
    """Evaluates scheduled triggers: the date math is ``schedules``', this applies it.

    Args:
        records: The trigger records.
        starts: Starts the executions.
    """

    def __init__(self, records: TriggerRecords, starts: TriggerStarts) -> None:
        self._records = records
        self._starts = starts
        # Triggers whose missed dates were recovered already (once per scheduler).
        self._recovered: set[_Uid] = set()

    def evaluate(
        self, flow: Flow, trigger: Trigger, record: TriggerRecord, now: datetime
    ) -> list[str]:
        """Fire ``trigger`` if a date is due at ``now``; the id of the execution started."""
        if not isinstance(trigger, ScheduledTrigger):
            return []
        calendar = trigger.calendar(self._starts.context(flow, trigger, record))
        if record.uid not in self._recovered:
            self._recovered.add(record.uid)
            recovered = recover(calendar, trigger.recover_missed_schedules, record, now)
            if recovered != record:
                record = self._records.save(recovered, now)
        if record.execution_id is not None:
            return []
        if record.next_execution_date is None and active_backfill(record) is None:
            first = first_date(calendar, now)
            if first is not None:  # None: a calendar with no date left
                self._records.save(replace(record, next_execution_date=first), now)
            return []
        accepts = self._starts.acceptor(flow, trigger) if trigger.conditions else None
        planned = plan(calendar, record, now, accepts)
        if planned is None:
            return []
        if planned.firing is None:
            self._records.save(planned.record, now)
            return []
        started = self._starts.fire(flow, trigger, trigger.inputs, planned.firing, now)
        self._records.commit(planned.record, started, now)
        return [] if started is None else [started]
