"""``io.kestra.plugin.core.execution.Count``: count executions of flows over a period."""

from pydantic import Field

from tiercel.sdk import KestraModel, Property, RunnableTask, State, Text, plugin


class FlowRef(KestraModel):
    """A flow, by namespace and id."""

    namespace: str
    flow_id: str


@plugin(
    "io.kestra.plugin.core.execution.Count",
    aliases=["io.kestra.core.tasks.executions.Counts"],
    deprecated=True,
)
class Count(RunnableTask):
    """Count executions per flow in a date range and keep the rows an expression accepts."""

    flows: list[FlowRef] | None = Field(
        default=None, description="Flows to count; ``namespaces`` is needed when unset."
    )
    states: Property[list[State]] | None = Field(
        default=None, description="Only executions in these states."
    )
    start_date: Text = Field(description="Start of the period.")
    end_date: Text | None = Field(default=None, description="End of the period; now when unset.")
    expression: Text = Field(
        description="Rendered per flow with ``count`` set; rows rendering 'true' are kept."
    )
    namespaces: Property[list[str]] | None = Field(
        default=None, description="Namespaces to count (Kestra 1.x)."
    )
