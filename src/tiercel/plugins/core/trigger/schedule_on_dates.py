"""``io.kestra.plugin.core.trigger.ScheduleOnDates``: start executions on listed dates."""

import re
from collections.abc import Iterable, Sequence
from datetime import datetime, tzinfo
from typing import Any

from pydantic import Field

from tiercel.plugins.core.trigger.cron import format_date, resolve_zone
from tiercel.plugins.core.trigger.schedule import RecoverMissedSchedules
from tiercel.sdk import Property, Text, Trigger, plugin


@plugin("io.kestra.plugin.core.trigger.ScheduleOnDates")
class ScheduleOnDates(Trigger):
    """Start an execution at each of an explicit list of dates."""

    inputs: dict[str, Any] | None = None
    timezone: Text | None = Field(default=None, description="A time-zone id; UTC when unset.")
    dates: Property[list[datetime]]
    recover_missed_schedules: RecoverMissedSchedules | None = None

    def dates_in(self, rendered: Iterable[Any], zone: tzinfo) -> list[datetime]:
        """The rendered ``dates`` as sorted aware datetimes, to the second; a date written
        without an offset is read in ``zone``.

        Raises:
            ValueError: A value is not a date-time.
        """
        found = {_as_datetime(value, zone).replace(microsecond=0) for value in rendered}
        return sorted(found)

    @staticmethod
    def zone_of(rendered_timezone: str | None) -> tzinfo:
        """The zone of the rendered ``timezone``; UTC when unset, as for ``Schedule``."""
        return resolve_zone(rendered_timezone)

    @staticmethod
    def variables(date: datetime, zone: tzinfo) -> dict[str, str]:
        """``trigger.date`` for an execution scheduled at ``date`` (Kestra gives no
        ``next`` or ``previous`` here)."""
        return {"date": format_date(date, zone)}


def first_after(dates: Sequence[datetime], after: datetime) -> datetime | None:
    """The first of sorted ``dates`` strictly after ``after``."""
    return next((date for date in dates if date > after), None)


def last_before(dates: Sequence[datetime], before: datetime) -> datetime | None:
    """The last of sorted ``dates`` at or before ``before``."""
    return next((date for date in reversed(dates) if date <= before), None)


# Java writes a ZonedDateTime with its region last: 2024-01-01T10:00+01:00[Europe/Paris].
_REGION = re.compile(r"\[(?P<region>[^\]]+)\]$")


def _as_datetime(value: Any, zone: tzinfo) -> datetime:
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, str):
        text = value.strip()
        region = _REGION.search(text)
        if region is not None:
            zone = resolve_zone(region["region"])
            text = text[: region.start()]
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            raise ValueError(f"'{value}' is not a date-time") from None
    else:
        raise ValueError(f"{value!r} is not a date-time")
    return moment.replace(tzinfo=zone) if moment.tzinfo is None else moment
