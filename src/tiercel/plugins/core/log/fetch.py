"""``io.kestra.plugin.core.log.Fetch``: copy an execution's logs into a stored file."""

from pydantic import Field

from tiercel.sdk import LogLevel, Property, RunnableTask, Text, plugin


@plugin(
    "io.kestra.plugin.core.log.Fetch", aliases=["io.kestra.core.tasks.log.Fetch"], deprecated=True
)
class Fetch(RunnableTask):
    """Write the logs of an execution, at or above a level, to an ION file."""

    namespace: Text | None = Field(
        default=None, description="Namespace of the execution, when ``executionId`` is set."
    )
    flow_id: Text | None = Field(
        default=None, description="Flow of the execution, when ``executionId`` is set."
    )
    execution_id: Text | None = Field(
        default=None, description="The execution to read; the current one when unset."
    )
    tasks_id: Property[list[str]] | None = Field(
        default=None, description="Only the logs of these task ids."
    )
    level: Property[LogLevel] = Field(
        default=LogLevel.INFO, description="The lowest level to fetch."
    )
