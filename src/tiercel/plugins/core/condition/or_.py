"""``io.kestra.plugin.core.condition.Or``: pass when any nested condition passes."""

from typing import Annotated

from pydantic import Field

from tiercel.sdk import AnyCondition, Condition, ConditionContext, plugin


@plugin(
    "io.kestra.plugin.core.condition.Or",
    aliases=[
        "io.kestra.core.models.conditions.types.OrCondition",
        "io.kestra.plugin.core.condition.OrCondition",
    ],
)
class Or(Condition):
    """Pass when at least one of the nested conditions passes."""

    conditions: Annotated[list[AnyCondition], Field(min_length=1)]

    def test(self, context: ConditionContext) -> bool:
        """One of the nested conditions holds."""
        return any(condition.test(context) for condition in self.conditions)
