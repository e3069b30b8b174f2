"""``io.kestra.plugin.core.condition.ExecutionOutputs``: test the outputs of the upstream run."""

from collections.abc import Mapping

from pydantic import Field

from tiercel.plugins.core.condition.upstream import execution_outputs
from tiercel.sdk import Condition, ConditionContext, Property, plugin


@plugin(
    "io.kestra.plugin.core.condition.ExecutionOutputs",
    aliases=[
        "io.kestra.core.models.conditions.types.ExecutionOutputsCondition",
        "io.kestra.plugin.core.condition.ExecutionOutputsCondition",
    ],
)
class ExecutionOutputs(Condition):
    """Pass when an expression over the upstream execution's flow outputs is true."""

    expression: Property[bool] = Field(
        description="Sees the outputs as `trigger.outputs`; an execution without outputs fails."
    )

    def test(self, context: ConditionContext) -> bool:
        """The expression renders to true; false when the execution has no flow outputs.

        The context must show the outputs (``execution.outputs``) as ``trigger.outputs`` too:
        the engine's contexts for listeners and Flow triggers do.
        """
        if context.state is None or not execution_outputs(context):
            return False
        trigger = context.variables.get("trigger")
        if not isinstance(trigger, Mapping) or "outputs" not in trigger:
            raise ValueError("the condition context does not show the outputs as trigger.outputs")
        rendered = context.render(self.expression)
        # Kestra converts the result to a Boolean: only "true" (any case) is true.
        if isinstance(rendered, bool):
            return rendered
        return str(rendered).strip().lower() == "true"
