"""``io.kestra.plugin.core.condition.DayWeekInMonth``: allow e.g. the first Monday of a month."""

from enum import StrEnum

from pydantic import Field

from tiercel.plugins.core.condition.day_week import TRIGGER_DATE, DayOfWeek
from tiercel.sdk import Condition, Property, Text, plugin


class DayInMonth(StrEnum):
    """Which occurrence of the weekday in its month."""

    FIRST = "FIRST"
    LAST = "LAST"
    SECOND = "SECOND"
    THIRD = "THIRD"
    FOURTH = "FOURTH"


@plugin(
    "io.kestra.plugin.core.condition.DayWeekInMonth",
    aliases=[
        "io.kestra.core.models.conditions.types.DayWeekInMonthCondition",
        "io.kestra.plugin.core.condition.DayWeekInMonthCondition",
    ],
)
class DayWeekInMonth(Condition):
    """Pass when the date is the first, second, ... or last given weekday of its month."""

    date: Text = Field(default=TRIGGER_DATE, description="An ISO-8601 date or datetime.")
    day_of_week: Property[DayOfWeek]
    day_in_month: Property[DayInMonth]
