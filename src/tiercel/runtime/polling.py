"""One evaluation of a polling trigger: due every ``interval``, each emission an execution."""

from dataclasses import replace
from datetime import datetime

from tiercel.model.flow import Flow
from tiercel.model.task import LogLevel, Trigger
from tiercel.runtime.trigger_records import TriggerRecords
from tiercel.runtime.trigger_starts import TriggerStarts
from tiercel.sdk import PollingTrigger, TaskFailure
from tiercel.storage.records import TriggerRecord


class Polling:
    """Evaluates polling triggers when due and starts what they emit.

    Args:
        records: The trigger records.
        starts: Starts the executions.
    """

    def __init__(self, records: TriggerRecords, starts: TriggerStarts) -> None:
        self._records = records
        self._starts = starts

    def evaluate(
        self, flow: Flow, trigger: Trigger, record: TriggerRecord, now: datetime
    ) -> list[str]:
        """Evaluate ``trigger`` if due at ``now``; the ids of the executions started."""
        if not isinstance(trigger, PollingTrigger):
            return []
        if record.execution_id is not None:
            return []
        if record.next_execution_date is not None and record.next_execution_date > now:
            return []
        after = replace(record, date=now, next_execution_date=now + trigger.interval)
        if trigger.conditions and not self._starts.acceptor(flow, trigger)({}):
            self._records.save(after, now)
            return []
        context = self._starts.context(flow, trigger, record)
        context.clock = lambda: now
        try:
            emissions = trigger.evaluate(context)
        except TaskFailure as exc:
            self._starts.log(flow, trigger, LogLevel.WARN, f"Evaluate failed with error '{exc}'")
            self._records.save(after, now)
            return []
        except NotImplementedError as exc:
            self._starts.log(flow, trigger, LogLevel.ERROR, str(exc))
            self._records.save(after, now)
            return []
        started = [
            execution_id
            for emission in emissions
            if (execution_id := self._starts.emit(flow, trigger, emission)) is not None
        ]
        self._records.commit(
            replace(after, state=dict(context.state)), started[-1] if started else None, now
        )
        return started
