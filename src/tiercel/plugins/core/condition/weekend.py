"""``io.kestra.plugin.core.condition.Weekend``: allow Saturdays and Sundays."""

from pydantic import Field

from tiercel.plugins.core.condition.dates import parse_day
from tiercel.plugins.core.condition.day_week import TRIGGER_DATE
from tiercel.sdk import Condition, ConditionContext, Text, plugin


@plugin(
    "io.kestra.plugin.core.condition.Weekend",
    aliases=[
        "io.kestra.core.models.conditions.types.WeekendCondition",
        "io.kestra.plugin.core.condition.WeekendCondition",
    ],
)
class Weekend(Condition):
    """Pass when the date falls on a Saturday or a Sunday."""

    date: Text = Field(default=TRIGGER_DATE, description="An ISO-8601 date or datetime.")

    def test(self, context: ConditionContext) -> bool:
        """The rendered date (its day in its own zone) is a Saturday or a Sunday."""
        return parse_day(context.render(self.date)).weekday() >= _SATURDAY


_SATURDAY = 5
