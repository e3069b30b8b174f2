"""``io.kestra.plugin.core.condition.Not``: invert nested conditions."""

from typing import Annotated

from pydantic import Field

from tiercel.sdk import AnyCondition, Condition, ConditionContext, plugin


@plugin(
    "io.kestra.plugin.core.condition.Not",
    aliases=[
        "io.kestra.core.models.conditions.types.NotCondition",
        "io.kestra.plugin.core.condition.NotCondition",
    ],
)
class Not(Condition):
    """Pass when none of the nested conditions passes."""

    conditions: Annotated[list[AnyCondition], Field(min_length=1)]

    def test(self, context: ConditionContext) -> bool:
        """None of the nested conditions holds."""
        return not any(condition.test(context) for condition in self.conditions)
