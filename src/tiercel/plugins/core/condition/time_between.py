"""``io.kestra.plugin.core.condition.TimeBetween``: allow times of day inside a range."""

from datetime import time

from pydantic import Field

from tiercel.plugins.core.condition.day_week import TRIGGER_DATE
from tiercel.sdk import Condition, Property, Text, plugin


@plugin(
    "io.kestra.plugin.core.condition.TimeBetween",
    aliases=[
        "io.kestra.core.models.conditions.types.TimeBetweenCondition",
        "io.kestra.plugin.core.condition.TimeBetweenCondition",
    ],
)
class TimeBetween(Condition):
    """Pass when the time of the date is after ``after`` and before ``before``."""

    date: Text = Field(default=TRIGGER_DATE, description="An ISO-8601 datetime.")
    after: Property[time] | None = Field(
        default=None, description="ISO-8601 time with an offset, e.g. `16:00:00+02:00`."
    )
    before: Property[time] | None = Field(default=None, description="ISO-8601 time with an offset.")
