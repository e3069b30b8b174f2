"""When scheduled triggers fire: the date math on trigger records.

Pure functions of a trigger's ``Calendar`` (``tiercel.sdk.ScheduledTrigger``), its record and
``now``; the scheduler applies what they return (starts the execution, saves the record). A
record keeps the last date evaluated (``date``), the next date due (``next_execution_date``)
and, in ``state``, a running backfill in Kestra's shape (``start``, ``end``, ``currentDate``,
``paused``, ``inputs``, ``labels``, ``previousNextExecutionDate``).
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from tiercel.ops.triggers import BACKFILL
from tiercel.sdk import Calendar, RecoverMissedSchedules
from tiercel.storage.records import TriggerRecord

DEFAULT_RECOVERY = RecoverMissedSchedules.ALL
"""Kestra's default when neither the trigger nor the server configuration sets one."""

# How many dates a condition is tried on to find the true next and previous dates, as Kestra
# does within ten years: enough for a daily cron filtered down to one day a month.
_NEIGHBOUR_TRIES = 400

Accepts = Callable[[Mapping[str, Any]], bool]
"""Whether the trigger's conditions hold for these ``trigger.*`` variables."""


@dataclass(frozen=True, slots=True)
class Firing:
    """An execution to start for a scheduled date.

    Attributes:
        date: The scheduled date (UTC).
        variables: The execution's ``trigger.*`` variables.
        schedule_date: When the execution is to start, for ScheduleOnDates.
        backfill: The backfill the date belongs to (its ``inputs`` and ``labels``), if any.
    """

    date: datetime
    variables: Mapping[str, Any]
    schedule_date: datetime | None = None
    backfill: Mapping[str, Any] | None = None


@dataclass(frozen=True, slots=True)
class Plan:
    """What one evaluation decided: maybe an execution, and the record to save."""

    firing: Firing | None
    record: TriggerRecord


def utc(moment: datetime) -> datetime:
    """``moment`` in UTC, which compares and stores without the ambiguity of a local zone."""
    return moment.astimezone(UTC)


def parse_instant(text: Any) -> datetime | None:
    """An ISO-8601 date-time of a record's state, in UTC; None for None."""
    if text is None:
        return None
    moment = datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    return utc(moment if moment.tzinfo else moment.replace(tzinfo=UTC))


def write_instant(moment: datetime | None) -> str | None:
    """How a record's state keeps a date-time: ISO-8601 in UTC."""
    return None if moment is None else utc(moment).isoformat().replace("+00:00", "Z")


def active_backfill(record: TriggerRecord) -> Mapping[str, Any] | None:
    """The backfill of a record, if one is running."""
    backfill = record.state.get(BACKFILL)
    return backfill if isinstance(backfill, Mapping) else None


def first_date(calendar: Calendar, now: datetime) -> datetime | None:
    """The first date of a trigger after ``now``: a new schedule does not fire for the past;
    None when no date is left."""
    return _utc(calendar.next_after(now))


def recover(
    calendar: Calendar,
    policy: RecoverMissedSchedules | None,
    record: TriggerRecord,
    now: datetime,
) -> TriggerRecord:
    """Apply ``recoverMissedSchedules`` to a record whose next date passed while no scheduler
    ran: ``ALL`` keeps it (every missed date fires, one after the other), ``LAST`` moves it to
    the last missed date, ``NONE`` to the first date after ``now``."""
    due = record.next_execution_date
    if due is None or due >= now or active_backfill(record) is not None:
        return record
    policy = policy or DEFAULT_RECOVERY
    if policy is RecoverMissedSchedules.ALL:
        return record
    if policy is RecoverMissedSchedules.NONE:
        return replace(record, next_execution_date=first_date(calendar, now))
    last = _utc(calendar.previous_before(now))
    if last is not None and last >= due:
        return replace(record, next_execution_date=last)
    return record


def plan(
    calendar: Calendar, record: TriggerRecord, now: datetime, accepts: Accepts | None
) -> Plan | None:
    """Evaluate a due scheduled trigger (or its running backfill); None when nothing is due."""
    backfill = active_backfill(record)
    if backfill is not None:
        return _plan_backfill(calendar, record, backfill, now, accepts)
    due = record.next_execution_date
    if due is None or due > now:
        return None
    date: datetime | None = due
    delay = calendar.late_maximum_delay
    if delay is not None and due + delay < now:
        while date is not None and date + delay < now:
            date = _utc(calendar.next_after(date))
        if date is None or date > now:
            return Plan(None, replace(record, date=due, next_execution_date=date))
    assert date is not None
    after = replace(record, date=date, next_execution_date=_utc(calendar.next_after(date)))
    variables = _variables(calendar, date, accepts)
    if variables is None:
        return Plan(None, after)
    return Plan(Firing(date, variables, schedule_date=calendar.start_date(date)), after)


def _plan_backfill(
    calendar: Calendar,
    record: TriggerRecord,
    backfill: Mapping[str, Any],
    now: datetime,
    accepts: Accepts | None,
) -> Plan | None:
    if backfill.get("paused"):
        return None
    current = parse_instant(backfill.get("currentDate") or backfill.get("start"))
    if current is None:
        raise ValueError("the backfill has no start date")
    end = parse_instant(backfill.get("end")) or now
    # The first date at or after the current date, as Kestra computes it.
    date = _utc(calendar.next_after(current - timedelta(seconds=1)))
    if date is None or date > end or date > now:
        resumed = parse_instant(backfill.get("previousNextExecutionDate"))
        state = {key: value for key, value in record.state.items() if key != BACKFILL}
        nxt = resumed if resumed is not None else _utc(calendar.next_after(now))
        return Plan(None, replace(record, state=state, next_execution_date=nxt))
    following = _utc(calendar.next_after(date))
    state = {**record.state, BACKFILL: {**backfill, "currentDate": write_instant(following)}}
    # The record stays due until the backfill is done.
    due = now if following is None else min(following, now)
    after = replace(record, date=date, next_execution_date=due, state=state)
    variables = _variables(calendar, date, accepts)
    if variables is None:
        return Plan(None, after)
    return Plan(Firing(date, variables, backfill=backfill), after)


def _variables(
    calendar: Calendar, date: datetime, accepts: Accepts | None
) -> dict[str, Any] | None:
    """``trigger.*`` for ``date``, or None when the conditions refuse it. With conditions,
    ``next`` and ``previous`` (when the calendar gives them) are the neighbouring dates the
    conditions accept, as in Kestra."""
    variables = calendar.variables(date)
    if accepts is None:
        return variables
    if not accepts(variables):
        return None
    for key, forward in (("next", True), ("previous", False)):
        if key in variables:
            found = _neighbour(calendar, date, accepts, forward=forward)
            if found is not None:
                variables[key] = calendar.variables(found)["date"]
    return variables


def _neighbour(
    calendar: Calendar, date: datetime, accepts: Accepts, *, forward: bool
) -> datetime | None:
    candidate: datetime | None = date
    for _ in range(_NEIGHBOUR_TRIES):
        assert candidate is not None
        candidate = (
            calendar.next_after(candidate) if forward else calendar.previous_before(candidate)
        )
        if candidate is None:
            return None
        if accepts(calendar.variables(candidate)):
            return candidate
    return None


def _utc(moment: datetime | None) -> datetime | None:
    return None if moment is None else utc(moment)
