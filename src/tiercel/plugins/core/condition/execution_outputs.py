"""``io.kestra.plugin.core.condition.ExecutionOutputs``: test the outputs of the upstream run."""

from pydantic import Field

from tiercel.sdk import Condition, Property, plugin


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
