"""``io.kestra.plugin.core.flow.If``: choose a branch from a condition."""

from typing import Annotated

from pydantic import Field

from tiercel.sdk import AnyTask, FlowableTask, Text, plugin


@plugin("io.kestra.plugin.core.flow.If", aliases=["io.kestra.core.tasks.flows.If"])
class If(FlowableTask):
    """Run the then branch when the condition renders truthy, otherwise the else branch."""

    condition: Text = Field(
        description="An expression; '', '0', '-0', 'false' and null count as false."
    )
    then: Annotated[list[AnyTask], Field(min_length=1)] = Field(
        description="Tasks run when the condition is true."
    )
    else_: list[AnyTask] | None = Field(
        default=None, alias="else", description="Tasks run when the condition is false."
    )
