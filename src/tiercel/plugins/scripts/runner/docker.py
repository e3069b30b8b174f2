"""``io.kestra.plugin.scripts.runner.docker.Docker``: accepted so that Kestra flows load.

Tiercel has no container runner: a script task that names this one runs as a local process
and says so in a WARN line.
"""

from pydantic import ConfigDict, Field

from tiercel.sdk import TaskRunner, Text, plugin


@plugin("io.kestra.plugin.scripts.runner.docker.Docker")
class Docker(TaskRunner):
    """Run the task's commands in a Docker container (runs as a local process in Tiercel)."""

    # Kestra's Docker runner has some thirty options; none changes how Tiercel runs.
    model_config = ConfigDict(extra="allow")

    host: Text | None = Field(default=None, description="The Docker host.")
    pull_policy: Text | None = Field(default=None, description="IF_NOT_PRESENT, ALWAYS, NEVER.")
