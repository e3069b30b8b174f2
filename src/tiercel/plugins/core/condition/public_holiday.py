"""``io.kestra.plugin.core.condition.PublicHoliday``: allow public holidays of a country."""

import locale
from typing import Annotated

import holidays
from pydantic import Field

from tiercel.plugins.core.condition.dates import parse_day
from tiercel.plugins.core.condition.day_week import TRIGGER_DATE
from tiercel.sdk import Condition, ConditionContext, Text, plugin


@plugin(
    "io.kestra.plugin.core.condition.PublicHoliday",
    aliases=[
        "io.kestra.core.models.conditions.types.PublicHolidayCondition",
        "io.kestra.plugin.core.condition.PublicHolidayCondition",
    ],
)
class PublicHoliday(Condition):
    """Pass when the date is a public holiday of the country (and subdivision).

    Kestra reads its calendars from the Jollyday library; Tiercel reads them from the
    ``holidays`` package, which covers the same countries and subdivision codes (ISO 3166) but
    may differ on rare days that one library counts and the other does not.
    """

    date: Annotated[Text, Field(min_length=1)] = Field(
        default=TRIGGER_DATE, description="An ISO-8601 date or datetime."
    )
    country: Text | None = Field(
        default=None, description="ISO 3166-1 alpha-2 code; the server locale's when unset."
    )
    sub_division: Text | None = Field(default=None, description="ISO 3166-2 subdivision code.")

    def test(self, context: ConditionContext) -> bool:
        """The rendered date is a public holiday of the rendered country and subdivision.

        Raises:
            ValueError: The country or subdivision is unknown, or no country is given and the
                server's locale names none.
        """
        day = parse_day(context.render(self.date))
        country = context.render(self.country) if self.country is not None else _locale_country()
        subdivision = context.render(self.sub_division) if self.sub_division else None
        try:
            calendar = holidays.country_holidays(
                str(country).upper(), subdiv=subdivision, years=day.year
            )
        except NotImplementedError as exc:
            # The library says "not implemented" for an unknown code: that is a user error.
            raise ValueError(str(exc)) from None
        return day in calendar


def _locale_country() -> str:
    # Java's default locale comes from the environment (LANG); so does Python's.
    name = locale.getlocale()[0] or ""
    _, _, country = name.partition("_")
    if len(country) != 2:
        raise ValueError("PublicHoliday needs a `country`: the server's locale names none")
    return country
