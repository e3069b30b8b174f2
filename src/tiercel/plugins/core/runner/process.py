"""``io.kestra.plugin.core.runner.Process``: run script tasks as local processes."""

from tiercel.sdk import TaskRunner, plugin


@plugin(
    "io.kestra.plugin.core.runner.Process",
    aliases=["io.kestra.core.models.tasks.runners.types.ProcessTaskRunner"],
)
class Process(TaskRunner):
    """Run the task's commands as a subprocess of the worker, in its working directory."""
