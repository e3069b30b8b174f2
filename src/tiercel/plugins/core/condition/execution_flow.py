"""``io.kestra.plugin.core.condition.ExecutionFlow``: match the flow of the upstream execution."""

from tiercel.sdk import Condition, Text, plugin


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
