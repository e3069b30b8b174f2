"""``io.kestra.plugin.core.condition.DateTimeBetween``: allow dates inside a range."""

from datetime import datetime

from pydantic import Field

from tiercel.plugins.core.condition.day_week import TRIGGER_DATE
from tiercel.sdk import Condition, Property, Text, plugin


@plugin(
    "io.kestra.plugin.core.condition.DateTimeBetween",
    aliases=[
        "io.kestra.core.models.conditions.types.DateTimeBetweenCondition",
        "io.kestra.plugin.core.condition.DateTimeBetweenCondition",
    ],
)
class DateTimeBetween(Condition):
    """Pass when the date is after ``after`` and before ``before`` (either may be omitted)."""

    date: Text = Field(default=TRIGGER_DATE, description="An ISO-8601 datetime.")
    after: Property[datetime] | None = Field(
        default=None, description="ISO-8601 datetime with a zone, e.g. `2025-01-01T00:00:00Z`."
    )
    before: Property[datetime] | None = Field(
        default=None, description="ISO-8601 datetime with a zone."
    )
