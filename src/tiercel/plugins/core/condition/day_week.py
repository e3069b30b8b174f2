"""``io.kestra.plugin.core.condition.DayWeek``: allow one day of the week."""

from enum import StrEnum

from pydantic import Field

from tiercel.sdk import Condition, Property, Text, plugin

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
