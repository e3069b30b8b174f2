"""When the Schedule and ScheduleOnDates triggers fire: the date math on trigger records.

Pure functions of a trigger, its record and ``now``; the scheduler applies what they return
(starts the execution, saves the record). A record keeps, for these triggers, the last date
evaluated (``date``), the next date due (``next_execution_date``) and, in ``state``, a running
backfill in Kestra's shape (``start``, ``end``, ``currentDate``, ``paused``, ``inputs``,
``labels``, ``previousNextExecutionDate``).
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from tiercel.ops.triggers import BACKFILL
from tiercel.plugins.core.trigger.schedule import RecoverMissedSchedules, Schedule
from tiercel.plugins.core.trigger.schedule_on_dates import (
    ScheduleOnDates,
    first_after,
    last_before,
)
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


def first_date(
    trigger: Schedule | ScheduleOnDates, now: datetime, dates: Sequence[datetime]
) -> datetime | None:
    """The first date of a trigger after ``now``: a new schedule does not fire for the past."""
    if isinstance(trigger, Schedule):
        return utc(trigger.next_date(now))
    found = first_after(dates, now)
    return None if found is None else utc(found)


def recover(
    trigger: Schedule | ScheduleOnDates,
    record: TriggerRecord,
    now: datetime,
    dates: Sequence[datetime],
) -> TriggerRecord:
    """Apply ``recoverMissedSchedules`` to a record whose next date passed while no scheduler
    ran: ``ALL`` keeps it (every missed date fires, one after the other), ``LAST`` moves it to
    the last missed date, ``NONE`` to the first date after ``now``."""
    due = record.next_execution_date
    if due is None or due >= now or active_backfill(record) is not None:
        return record
    policy = trigger.recover_missed_schedules or DEFAULT_RECOVERY
    if policy is RecoverMissedSchedules.ALL:
        return record
    if policy is RecoverMissedSchedules.NONE:
        return replace(record, next_execution_date=first_date(trigger, now, dates))
    last: datetime | None
    if isinstance(trigger, Schedule):
        last = utc(trigger.previous_date(now))
    else:
        found = last_before(dates, now)
        last = None if found is None else utc(found)
    if last is not None and last >= due:
        return replace(record, next_execution_date=last)
    return record


def plan_schedule(
    trigger: Schedule, record: TriggerRecord, now: datetime, accepts: Accepts | None
) -> Plan | None:
    """Evaluate a due Schedule trigger (or its running backfill); None when nothing is due."""
    backfill = active_backfill(record)
    if backfill is not None:
        return _plan_backfill(trigger, record, backfill, now, accepts)
    due = record.next_execution_date
    if due is None or due > now:
        return None
    date = due
    delay = trigger.late_maximum_delay
    if delay is not None and date + delay < now:
        while date + delay < now:
            date = utc(trigger.next_date(date))
        if date > now:
            return Plan(None, replace(record, date=due, next_execution_date=date))
    following = utc(trigger.next_date(date))
    after = replace(record, date=date, next_execution_date=following)
    variables = _variables(trigger, date, accepts)
    if variables is None:
        return Plan(None, after)
    return Plan(Firing(date, variables), after)


def _plan_backfill(
    trigger: Schedule,
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
    date = utc(trigger.next_date(current - timedelta(seconds=1)))
    if date > end or date > now:
        resumed = parse_instant(backfill.get("previousNextExecutionDate"))
        state = {key: value for key, value in record.state.items() if key != BACKFILL}
        nxt = resumed if resumed is not None else utc(trigger.next_date(now))
        return Plan(None, replace(record, state=state, next_execution_date=nxt))
    following = utc(trigger.next_date(date))
    state = {**record.state, BACKFILL: {**backfill, "currentDate": write_instant(following)}}
    # The record stays due until the backfill is done.
    after = replace(record, date=date, next_execution_date=min(following, now), state=state)
    variables = _variables(trigger, date, accepts)
    if variables is None:
        return Plan(None, after)
    return Plan(Firing(date, variables, backfill=backfill), after)


def _variables(trigger: Schedule, date: datetime, accepts: Accepts | None) -> dict[str, Any] | None:
    """``trigger.*`` for ``date``, or None when the conditions refuse it. With conditions,
    ``next`` and ``previous`` are the neighbouring dates the conditions accept, as in Kestra."""
    variables: dict[str, Any] = trigger.variables(date)
    if accepts is None:
        return variables
    if not accepts(variables):
        return None
    following = _neighbour(trigger, date, accepts, forward=True)
    preceding = _neighbour(trigger, date, accepts, forward=False)
    if following is not None:
        variables["next"] = trigger.variables(following)["date"]
    if preceding is not None:
        variables["previous"] = trigger.variables(preceding)["date"]
    return variables


def _neighbour(
    trigger: Schedule, date: datetime, accepts: Accepts, *, forward: bool
) -> datetime | None:
    candidate = date
    for _ in range(_NEIGHBOUR_TRIES):
        candidate = trigger.next_date(candidate) if forward else trigger.previous_date(candidate)
        if accepts(trigger.variables(candidate)):
            return candidate
    return None


def plan_dates(
    trigger: ScheduleOnDates,
    record: TriggerRecord,
    now: datetime,
    dates: Sequence[datetime],
    variables: Callable[[datetime], dict[str, Any]],
    accepts: Accepts | None,
) -> Plan | None:
    """Evaluate a due ScheduleOnDates trigger; None when nothing is due."""
    due = record.next_execution_date
    if due is None or due > now:
        return None
    following = first_after(dates, due)
    after = replace(
        record,
        date=due,
        next_execution_date=None if following is None else utc(following),
    )
    values = variables(due)
    if accepts is not None and not accepts(values):
        return Plan(None, after)
    return Plan(Firing(due, values, schedule_date=due), after)
