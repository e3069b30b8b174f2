"""``io.kestra.plugin.core.condition.Expression``: pass when an expression renders truthy."""

from typing import Annotated

from pydantic import Field

from tiercel.sdk import Condition, ConditionContext, Text, is_truthy, plugin


@plugin(
    "io.kestra.plugin.core.condition.Expression",
    aliases=[
        "io.kestra.core.models.conditions.types.VariableCondition",
        "io.kestra.plugin.core.condition.ExpressionCondition",
    ],
)
class Expression(Condition):
    """Pass when an expression renders to anything but blank or ``false``."""

    expression: Annotated[Text, Field(min_length=1)] = Field(
        description="Rendered with the trigger's variables; blank or `false` fails the condition."
    )

    def test(self, context: ConditionContext) -> bool:
        """The rendered expression is truthy."""
        return is_truthy(context.render(self.expression))
