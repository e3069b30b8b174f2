"""``io.kestra.plugin.core.condition.FlowCondition`` (deprecated): match the current flow."""

from tiercel.sdk import Condition, Text, plugin


@plugin(
    "io.kestra.plugin.core.condition.FlowCondition",
    aliases=["io.kestra.core.models.conditions.types.FlowCondition"],
    deprecated=True,
)
class FlowCondition(Condition):
    """Pass for one flow, by namespace and id (deprecated: use ExecutionFlow)."""

    namespace: Text
    flow_id: Text
