"""``io.kestra.plugin.core.trigger.ScheduleOnDates``: start executions on listed dates."""

from datetime import datetime
from typing import Any

from pydantic import Field

from tiercel.plugins.core.trigger.schedule import RecoverMissedSchedules
from tiercel.sdk import Property, Text, Trigger, plugin


@plugin("io.kestra.plugin.core.trigger.ScheduleOnDates")
class ScheduleOnDates(Trigger):
    """Start an execution at each of an explicit list of dates."""

    inputs: dict[str, Any] | None = None
    timezone: Text | None = Field(
        default=None, description="A time-zone id; the server's zone when unset."
    )
    dates: Property[list[datetime]]
    recover_missed_schedules: RecoverMissedSchedules | None = None
