"""``io.kestra.plugin.core.templating.TemplatedTask``: run a task written by a template."""

from pydantic import Field

from tiercel.sdk import RunnableTask, Text, plugin


@plugin(
    "io.kestra.plugin.core.templating.TemplatedTask",
    aliases=["io.kestra.core.tasks.templating.TemplatedTask"],
)
class TemplatedTask(RunnableTask):
    """Render a YAML task definition, then run it; it must be a runnable task."""

    spec: Text = Field(description="The YAML of the task, rendered before it is parsed.")
