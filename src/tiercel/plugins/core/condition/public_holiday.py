"""``io.kestra.plugin.core.condition.PublicHoliday``: allow public holidays of a country."""

from typing import Annotated

from pydantic import Field

from tiercel.plugins.core.condition.day_week import TRIGGER_DATE
from tiercel.sdk import Condition, Text, plugin


@plugin(
    "io.kestra.plugin.core.condition.PublicHoliday",
    aliases=[
        "io.kestra.core.models.conditions.types.PublicHolidayCondition",
        "io.kestra.plugin.core.condition.PublicHolidayCondition",
    ],
)
class PublicHoliday(Condition):
    """Pass when the date is a public holiday of the country (and subdivision)."""

    date: Annotated[Text, Field(min_length=1)] = Field(
        default=TRIGGER_DATE, description="An ISO-8601 date or datetime."
    )
    country: Text | None = Field(
        default=None, description="ISO 3166-1 alpha-2 code; the server locale's when unset."
    )
    sub_division: Text | None = Field(default=None, description="ISO 3166-2 subdivision code.")
