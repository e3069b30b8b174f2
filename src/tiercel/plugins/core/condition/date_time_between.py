"""``io.kestra.plugin.core.condition.DateTimeBetween``: allow dates inside a range."""

from datetime import datetime
from typing import Any

from pydantic import Field

from tiercel.plugins.core.condition.dates import parse_moment
from tiercel.plugins.core.condition.day_week import TRIGGER_DATE
from tiercel.sdk import Condition, ConditionContext, Property, Text, plugin


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

    def test(self, context: ConditionContext) -> bool:
        """``after <= date <= before``, both ends included, compared as instants.

        Raises:
            ValueError: Neither ``after`` nor ``before`` is set, or a date cannot be read.
        """
        moment = parse_moment(context.render(self.date))
        after = self._bound(context, self.after, moment)
        before = self._bound(context, self.before, moment)
        if after is None and before is None:
            raise ValueError("Invalid condition with no before nor after")
        return (after is None or moment >= after) and (before is None or moment <= before)

    @staticmethod
    def _bound(context: ConditionContext, value: Any, moment: datetime) -> datetime | None:
        if value is None:
            return None
        rendered = context.render(value)
        if isinstance(rendered, datetime) and rendered.tzinfo is None:
            # Kestra requires a zone here; a bound written without one is read in the zone of
            # the date it is compared with rather than refused.
            return rendered.replace(tzinfo=moment.tzinfo)
        return parse_moment(rendered)
