"""``io.kestra.plugin.core.trigger.Schedule``: start executions on a cron schedule."""

from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from typing import Any

from pydantic import Field

from tiercel.plugins.core.condition.time_window import zone_problem
from tiercel.plugins.core.trigger.cron import CronDates, cron_problem, format_date, resolve_zone
from tiercel.sdk import (
    AnyCondition,
    Calendar,
    Duration,
    RecoverMissedSchedules,
    Trigger,
    TriggerContext,
    Violation,
    plugin,
)


@plugin(
    "io.kestra.plugin.core.trigger.Schedule",
    aliases=["io.kestra.core.models.triggers.types.Schedule"],
)
class Schedule(Trigger):
    """Start an execution at each date of a cron expression."""

    cron: str = Field(
        description="Five fields (six with `withSeconds`) or a nickname such as `@daily`."
    )
    with_seconds: bool = False
    timezone: str | None = Field(
        default=None, description="A time-zone id, e.g. `Europe/Paris`; UTC when unset."
    )
    inputs: dict[str, Any] | None = None
    late_maximum_delay: Duration | None = Field(
        default=None, description="Skip a scheduled date that could not start within this delay."
    )
    recover_missed_schedules: RecoverMissedSchedules | None = Field(
        default=None, description="`ALL` unless the server configuration says otherwise."
    )
    backfill: dict[str, Any] | None = Field(
        default=None, description="Deprecated: start backfills from the UI or API instead."
    )
    schedule_conditions: list[AnyCondition] | None = Field(
        default=None, description="Deprecated: use `conditions`."
    )

    def violations(self) -> list[Violation]:
        """Refuse a malformed cron expression or an unknown time zone."""
        found = super().violations()
        problem = cron_problem(self.cron, self.with_seconds)
        if problem:
            found.append(Violation(("cron",), problem))
        zone = None if self.timezone is None else zone_problem(self.timezone)
        if zone:
            found.append(Violation(("timezone",), zone))
        return found

    def calendar(self, ctx: TriggerContext) -> Calendar:
        """The dates of the cron expression (nothing to render: ``cron`` and ``timezone``
        are plain text, as in Kestra)."""
        del ctx
        return _CronCalendar(self)

    def zone(self) -> tzinfo:
        """The zone the expression is read in: ``timezone``, or UTC.

        Kestra uses the JVM's default zone, which is UTC in its images and what its
        documentation promises; a server's local zone would make a flow fire at different
        instants on different machines.
        """
        return resolve_zone(self.timezone)

    def next_date(self, after: datetime) -> datetime:
        """The first scheduled date strictly after ``after`` (aware), in the trigger's zone.

        Compare it in UTC: Python finds a date of an hour repeated by a backward transition
        equal to no date of another zone.

        Raises:
            ValueError: The expression matches no date (``0 0 30 2 *``).
        """
        return self._dates().next_after(after)

    def previous_date(self, before: datetime) -> datetime:
        """The last scheduled date strictly before ``before`` (aware), in the trigger's zone.

        Raises:
            ValueError: The expression matches no date.
        """
        return self._dates().previous_before(before)

    def variables(self, date: datetime) -> dict[str, str]:
        """``trigger.date``, ``trigger.next`` and ``trigger.previous`` for an execution
        scheduled at ``date``, written with the trigger's zone as Kestra writes them."""
        zone = self.zone()
        return {
            "date": format_date(date, zone),
            "next": format_date(self.next_date(date), zone),
            "previous": format_date(self.previous_date(date), zone),
        }

    def _dates(self) -> CronDates:
        return CronDates(self.cron, self.with_seconds, self.zone())


@dataclass(frozen=True, slots=True)
class _CronCalendar:
    """A Schedule seen as the scheduler's ``Calendar``."""

    trigger: Schedule

    @property
    def late_maximum_delay(self) -> timedelta | None:
        return self.trigger.late_maximum_delay

    def next_after(self, moment: datetime) -> datetime:
        return self.trigger.next_date(moment)

    def previous_before(self, moment: datetime) -> datetime:
        return self.trigger.previous_date(moment)

    def variables(self, date: datetime) -> dict[str, Any]:
        return dict(self.trigger.variables(date))

    def start_date(self, date: datetime) -> None:
        # Kestra starts a Schedule's execution at once, its date in ``trigger.date``.
        del date
