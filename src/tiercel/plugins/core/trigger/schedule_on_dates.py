"""``io.kestra.plugin.core.trigger.ScheduleOnDates``: start executions on listed dates."""

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any

from pydantic import Field

from tiercel.plugins.core.trigger.cron import format_date, resolve_zone
from tiercel.sdk import (
    Calendar,
    Property,
    RecoverMissedSchedules,
    Text,
    Trigger,
    TriggerContext,
    plugin,
)


@plugin("io.kestra.plugin.core.trigger.ScheduleOnDates")
class ScheduleOnDates(Trigger):
    """Start an execution at each of an explicit list of dates."""

    inputs: dict[str, Any] | None = None
    timezone: Text | None = Field(default=None, description="A time-zone id; UTC when unset.")
    dates: Property[list[datetime]]
    recover_missed_schedules: RecoverMissedSchedules | None = None

    def calendar(self, ctx: TriggerContext) -> Calendar:
        """The listed dates, ``dates`` and ``timezone`` rendered with ``ctx``.

        Raises:
            ValueError: ``dates`` does not render to a list of date-times.
        """
        zone = self.zone_of(None if self.timezone is None else str(ctx.render(self.timezone)))
        rendered = ctx.render(self.dates)
        if isinstance(rendered, str) or not isinstance(rendered, Iterable):
            raise ValueError(f"'dates' must render to a list of dates, not '{rendered}'")
        dates = tuple(date.astimezone(UTC) for date in self.dates_in(rendered, zone))
        return _ListedDates(dates, zone)

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


@dataclass(frozen=True, slots=True)
class _ListedDates:
    """The rendered dates of a ScheduleOnDates, sorted, as the scheduler's ``Calendar``."""

    dates: tuple[datetime, ...]
    zone: tzinfo
    late_maximum_delay: timedelta | None = None

    def next_after(self, moment: datetime) -> datetime | None:
        return first_after(self.dates, moment)

    def previous_before(self, moment: datetime) -> datetime | None:
        return next((date for date in reversed(self.dates) if date < moment), None)

    def variables(self, date: datetime) -> dict[str, Any]:
        return ScheduleOnDates.variables(date, self.zone)

    def start_date(self, date: datetime) -> datetime:
        # Kestra gives each execution its listed date as ``scheduleDate``.
        return date


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
