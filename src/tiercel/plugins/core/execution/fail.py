"""``io.kestra.plugin.core.execution.Fail``: fail the task, and so the execution."""

from pydantic import Field

from tiercel.sdk import RunnableTask, Text, plugin


@plugin("io.kestra.plugin.core.execution.Fail", aliases=["io.kestra.core.tasks.executions.Fail"])
class Fail(RunnableTask):
    """Fail, always or only when the condition renders truthy."""

    condition: Text | None = Field(
        default=None, description="Fail only when this renders truthy; always when unset."
    )
    error_message: Text = Field(default="Task failure", description="The error to report.")
