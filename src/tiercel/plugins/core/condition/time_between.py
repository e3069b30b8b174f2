"""``io.kestra.plugin.core.condition.TimeBetween``: allow times of day inside a range."""

from datetime import time, timedelta
from typing import Any

from pydantic import Field

from tiercel.plugins.core.condition.dates import (
    offset_of,
    parse_moment,
    parse_offset_time,
    seconds_on_timeline,
)
from tiercel.plugins.core.condition.day_week import TRIGGER_DATE
from tiercel.sdk import Condition, ConditionContext, Property, Text, plugin


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

    def test(self, context: ConditionContext) -> bool:
        """``after < time < before``, both ends excluded, as Java compares ``OffsetTime``s:
        each time of day less its offset, with no wrap past midnight.

        Raises:
            ValueError: Neither ``after`` nor ``before`` is set, or a date cannot be read.
        """
        moment = parse_moment(context.render(self.date))
        offset = moment.utcoffset() or timedelta(0)
        current = seconds_on_timeline(moment.time(), offset)
        after = self._bound(context, self.after, offset)
        before = self._bound(context, self.before, offset)
        if after is None and before is None:
            raise ValueError("Invalid condition with no before nor after")
        return (after is None or current > after) and (before is None or current < before)

    @staticmethod
    def _bound(context: ConditionContext, value: Any, offset: timedelta) -> float | None:
        if value is None:
            return None
        bound = parse_offset_time(context.render(value))
        # Kestra requires an offset; a time written without one is read at the date's offset.
        return seconds_on_timeline(bound, offset_of(bound, offset))
