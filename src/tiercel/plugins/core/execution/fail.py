"""``io.kestra.plugin.core.execution.Fail``: fail the task, and so the execution."""

from pydantic import Field

from tiercel.sdk import RunContext, RunnableTask, TaskFailure, Text, is_truthy, plugin


@plugin("io.kestra.plugin.core.execution.Fail", aliases=["io.kestra.core.tasks.executions.Fail"])
class Fail(RunnableTask):
    """Fail, always or only when the condition renders truthy."""

    condition: Text | None = Field(
        default=None, description="Fail only when this renders truthy; always when unset."
    )
    error_message: Text = Field(default="Task failure", description="The error to report.")

    def run(self, ctx: RunContext) -> None:
        """Fail with the rendered message, when the condition (if any) renders truthy."""
        if self.condition is None or is_truthy(ctx.render(self.condition)):
            raise TaskFailure(str(ctx.render(self.error_message)))
