"""``io.kestra.plugin.core.templating.TemplatedTask``: run a task written by a template."""

from collections.abc import Mapping
from typing import Any

from pydantic import Field

from tiercel.sdk import (
    Outcome,
    Output,
    RunContext,
    RunnableTask,
    TaskFailure,
    Text,
    output_values,
    plugin,
)


@plugin(
    "io.kestra.plugin.core.templating.TemplatedTask",
    aliases=["io.kestra.core.tasks.templating.TemplatedTask"],
)
class TemplatedTask(RunnableTask):
    """Render a YAML task definition, then run it; it must be a runnable task."""

    spec: Text = Field(description="The YAML of the task, rendered before it is parsed.")

    def run(self, ctx: RunContext) -> Mapping[str, Any] | Outcome | None:
        """Run the task the rendered spec describes, with this task's id."""
        task = ctx.parse_task(str(ctx.render(self.spec)))
        if not isinstance(task, RunnableTask):
            raise TaskFailure(f"{task.type} is not a runnable task")
        result: Mapping[str, Any] | Output | Outcome | None = task.run(ctx)
        return output_values(result) if isinstance(result, Output) else result
