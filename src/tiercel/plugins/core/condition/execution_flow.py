"""``io.kestra.plugin.core.condition.ExecutionFlow``: match the flow of the upstream execution."""

from tiercel.sdk import Condition, ConditionContext, Text, plugin


@plugin(
    "io.kestra.plugin.core.condition.ExecutionFlow",
    aliases=[
        "io.kestra.core.models.conditions.types.ExecutionFlowCondition",
        "io.kestra.plugin.core.condition.ExecutionFlowCondition",
    ],
)
class ExecutionFlow(Condition):
    """Pass when the execution belongs to the given flow."""

    namespace: Text
    flow_id: Text

    def test(self, context: ConditionContext) -> bool:
        """The execution's namespace and flow id are the given ones; false with no execution."""
        if context.state is None:
            return False
        namespace = str(context.render(self.namespace))
        return context.namespace == namespace and context.flow_id == str(
            context.render(self.flow_id)
        )
