"""``io.kestra.plugin.core.output.OutputValues``: expose rendered values as outputs."""

from typing import Any

from pydantic import Field

from tiercel.sdk import Example, Output, Property, RunContext, RunnableTask, plugin


class ValuesOutput(Output):
    """What ``OutputValues`` outputs."""

    values: dict[str, Any] = Field(description="Every value, rendered.")


@plugin(
    "io.kestra.plugin.core.output.OutputValues",
    examples=[
        Example(
            "Compute values once and use them in later tasks",
            """\
id: output_values
namespace: company.team
tasks:
  - id: values
    type: io.kestra.plugin.core.output.OutputValues
    values:
      table: "sales_{{ execution.startDate | date('yyyyMMdd') }}"
      regions: [emea, apac]
  - id: each
    type: io.kestra.plugin.core.log.Log
    message: >-
      {{ outputs.values['values'].table }} for
      {{ outputs.values['values'].regions | join(', ') }}
""",
        ),
    ],
)
class OutputValues(RunnableTask[ValuesOutput]):
    """Render each value and expose the map as the values output."""

    values: Property[dict[str, Any]] | None = Field(
        default=None, description="Values to render: text, numbers, lists or maps."
    )

    def run(self, ctx: RunContext) -> ValuesOutput:
        """``values``: every value rendered."""
        return ValuesOutput(values=ctx.render(self.values) or {})
