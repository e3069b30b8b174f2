"""``io.kestra.plugin.core.condition.FlowNamespaceCondition`` (deprecated): match a namespace."""

from collections.abc import Mapping

from tiercel.sdk import Condition, ConditionContext, Text, plugin


@plugin(
    "io.kestra.plugin.core.condition.FlowNamespaceCondition",
    aliases=["io.kestra.core.models.conditions.types.FlowNamespaceCondition"],
    deprecated=True,
)
class FlowNamespaceCondition(Condition):
    """Pass for flows of a namespace (deprecated: use ExecutionNamespace)."""

    namespace: Text
    prefix: bool = False

    def test(self, context: ConditionContext) -> bool:
        """The flow whose variables the context holds is in the namespace (or below it, with
        ``prefix``)."""
        namespace, _ = current_flow(context)
        expected = str(context.render(self.namespace))
        return namespace.startswith(expected) if self.prefix else namespace == expected


def current_flow(context: ConditionContext) -> tuple[str, str]:
    """``(namespace, id)`` of the flow the context's ``flow`` variable names.

    Kestra tests these two deprecated conditions against the flow of the condition context,
    not against the execution: for a listener that is the flow itself. Without a ``flow``
    variable, the context's own namespace and flow id stand in.
    """
    flow = context.variables.get("flow")
    if isinstance(flow, Mapping) and "namespace" in flow and "id" in flow:
        return str(flow["namespace"]), str(flow["id"])
    return context.namespace, context.flow_id
