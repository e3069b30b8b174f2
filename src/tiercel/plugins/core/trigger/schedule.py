"""``io.kestra.plugin.core.trigger.Schedule``: start executions on a cron schedule."""

from enum import StrEnum
from typing import Any

from pydantic import Field

from tiercel.plugins.core.condition.time_window import zone_problem
from tiercel.plugins.core.trigger.cron import cron_problem
from tiercel.sdk import AnyCondition, Duration, Trigger, Violation, plugin


class RecoverMissedSchedules(StrEnum):
    """What the scheduler does with the dates it missed while it was down."""

    LAST = "LAST"
    NONE = "NONE"
    ALL = "ALL"


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
        default=None, description="A time-zone id, e.g. `Europe/Paris`; the server's when unset."
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
