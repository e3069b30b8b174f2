"""``io.kestra.plugin.core.output.OutputValues``: expose rendered values as outputs."""

from typing import Any

from pydantic import Field

from tiercel.sdk import Property, RunContext, RunnableTask, plugin


@plugin("io.kestra.plugin.core.output.OutputValues")
class OutputValues(RunnableTask):
    """Render each value and expose the map as the values output."""

    values: Property[dict[str, Any]] | None = Field(
        default=None, description="Values to render: text, numbers, lists or maps."
    )

    def run(self, ctx: RunContext) -> dict[str, Any]:
        """``values``: every value rendered."""
        return {"values": ctx.render(self.values) or {}}
