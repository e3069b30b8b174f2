"""``io.kestra.plugin.core.condition.FlowNamespaceCondition`` (deprecated): match a namespace."""

from tiercel.sdk import Condition, Text, plugin


@plugin(
    "io.kestra.plugin.core.condition.FlowNamespaceCondition",
    aliases=["io.kestra.core.models.conditions.types.FlowNamespaceCondition"],
    deprecated=True,
)
class FlowNamespaceCondition(Condition):
    """Pass for flows of a namespace (deprecated: use ExecutionNamespace)."""

    namespace: Text
    prefix: bool = False
