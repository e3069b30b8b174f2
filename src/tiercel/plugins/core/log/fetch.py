"""``io.kestra.plugin.core.log.Fetch``: copy an execution's logs into a stored file."""

from pydantic import Field

from tiercel.sdk import LogLevel, Output, Property, RunContext, RunnableTask, Text, ion, plugin


class FetchOutput(Output):
    """What ``log.Fetch`` outputs."""

    size: int = Field(description="How many log lines were fetched.")
    uri: str = Field(description="The lines as an ION file, one per line.")


@plugin(
    "io.kestra.plugin.core.log.Fetch", aliases=["io.kestra.core.tasks.log.Fetch"], deprecated=True
)
class Fetch(RunnableTask[FetchOutput]):
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

    def run(self, ctx: RunContext) -> FetchOutput:
        """``size``: how many lines; ``uri``: the lines as an ION file, one per line."""
        execution_id = ctx.render(self.execution_id) if self.execution_id else None
        task_ids = ctx.render(self.tasks_id) if self.tasks_id is not None else None
        level = ctx.render_as(self.level, LogLevel)
        lines = ctx.execution_logs(execution_id, task_ids, level)
        body = "".join(ion.dumps(line) + "\n" for line in lines)
        return FetchOutput(size=len(lines), uri=ctx.files.put("logs.ion", body.encode()))
