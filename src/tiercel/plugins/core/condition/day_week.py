"""``io.kestra.plugin.core.condition.DayWeek``: allow one day of the week."""

from datetime import date
from enum import StrEnum

from pydantic import Field

from tiercel.plugins.core.condition.dates import parse_day
from tiercel.sdk import Condition, ConditionContext, Property, Text, plugin

TRIGGER_DATE = "{{ trigger.date }}"
"""The date the date conditions test unless told otherwise."""


class DayOfWeek(StrEnum):
    """Days of the week, as Java's ``DayOfWeek`` names them."""

    MONDAY = "MONDAY"
    TUESDAY = "TUESDAY"
    WEDNESDAY = "WEDNESDAY"
    THURSDAY = "THURSDAY"
    FRIDAY = "FRIDAY"
    SATURDAY = "SATURDAY"
    SUNDAY = "SUNDAY"

    @classmethod
    def of(cls, day: date) -> "DayOfWeek":
        """The weekday of a date."""
        return list(cls)[day.weekday()]


@plugin(
    "io.kestra.plugin.core.condition.DayWeek",
    aliases=[
        "io.kestra.core.models.conditions.types.DayWeekCondition",
        "io.kestra.plugin.core.condition.DayWeekCondition",
    ],
)
class DayWeek(Condition):
    """Pass when the date falls on the given day of the week."""

    date: Text = Field(default=TRIGGER_DATE, description="An ISO-8601 date or datetime.")
    day_of_week: Property[DayOfWeek]

    def test(self, context: ConditionContext) -> bool:
        """The rendered date (its day in its own zone) is the rendered weekday."""
        day = parse_day(context.render(self.date))
        return DayOfWeek.of(day) is DayOfWeek(context.render(self.day_of_week))
