"""``io.kestra.plugin.core.condition.DayWeekInMonth``: allow e.g. the first Monday of a month."""

import calendar
from datetime import date, timedelta
from enum import StrEnum

from pydantic import Field

from tiercel.plugins.core.condition.dates import parse_day
from tiercel.plugins.core.condition.day_week import TRIGGER_DATE, DayOfWeek
from tiercel.sdk import Condition, ConditionContext, Property, Text, plugin


class DayInMonth(StrEnum):
    """Which occurrence of the weekday in its month."""

    FIRST = "FIRST"
    LAST = "LAST"
    SECOND = "SECOND"
    THIRD = "THIRD"
    FOURTH = "FOURTH"


# Weeks after the first such weekday of the month.
_WEEKS_AFTER_FIRST = {
    DayInMonth.FIRST: 0,
    DayInMonth.SECOND: 1,
    DayInMonth.THIRD: 2,
    DayInMonth.FOURTH: 3,
}


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

    def test(self, context: ConditionContext) -> bool:
        """The rendered date is the chosen occurrence of the weekday in its month."""
        day = parse_day(context.render(self.date))
        weekday = list(DayOfWeek).index(DayOfWeek(context.render(self.day_of_week)))
        which = DayInMonth(context.render(self.day_in_month))
        if which is DayInMonth.LAST:
            last = date(day.year, day.month, calendar.monthrange(day.year, day.month)[1])
            return day == last - timedelta(days=(last.weekday() - weekday) % 7)
        first = date(day.year, day.month, 1)
        first += timedelta(days=(weekday - first.weekday()) % 7)
        return day == first + timedelta(weeks=_WEEKS_AFTER_FIRST[which])
