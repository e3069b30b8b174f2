"""``io.kestra.plugin.core.condition.FlowCondition`` (deprecated): match the current flow."""

from tiercel.plugins.core.condition.flow_namespace_condition import current_flow
from tiercel.sdk import Condition, ConditionContext, Text, plugin


@plugin(
    "io.kestra.plugin.core.condition.FlowCondition",
    aliases=["io.kestra.core.models.conditions.types.FlowCondition"],
    deprecated=True,
)
class FlowCondition(Condition):
    """Pass for one flow, by namespace and id (deprecated: use ExecutionFlow)."""

    namespace: Text
    flow_id: Text

    def test(self, context: ConditionContext) -> bool:
        """The flow whose variables the context holds has this namespace and id."""
        namespace, flow_id = current_flow(context)
        return namespace == str(context.render(self.namespace)) and flow_id == str(
            context.render(self.flow_id)
        )
