"""``io.kestra.plugin.core.debug.Return``: render a string and return it as an output."""

from typing import Any

from pydantic import Field

from tiercel.sdk import Example, RunContext, RunnableTask, Text, plugin


@plugin(
    "io.kestra.plugin.core.debug.Return",
    aliases=["io.kestra.core.tasks.debugs.Return"],
    examples=[
        Example(
            "Compute a value once and read it in the next task",
            """\
id: return_value
namespace: company.team
tasks:
  - id: day
    type: io.kestra.plugin.core.debug.Return
    format: "{{ execution.startDate | date('EEEE') }}"
  - id: log
    type: io.kestra.plugin.core.log.Log
    message: "Today is {{ outputs.day.value }}"
""",
        ),
    ],
)
class Return(RunnableTask):
    """Render a template and expose the result as the value output."""

    format: Text | None = Field(default=None, description="The text to render.")

    def run(self, ctx: RunContext) -> dict[str, Any]:
        """``value``: the rendered format."""
        return {"value": ctx.render(self.format)}
