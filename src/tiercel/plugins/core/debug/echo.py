"""``io.kestra.plugin.core.debug.Echo``: log a rendered message (deprecated)."""

from pydantic import Field

from tiercel.plugins.core.log.log import log_at
from tiercel.sdk import LogLevel, Property, RunContext, RunnableTask, Text, plugin


@plugin(
    "io.kestra.plugin.core.debug.Echo",
    aliases=["io.kestra.core.tasks.debugs.Echo"],
    deprecated=True,
)
class Echo(RunnableTask):
    """Log a rendered message (deprecated: use Log)."""

    format: Text | None = Field(default=None, description="The message to render and log.")
    level: Property[LogLevel] = Field(default=LogLevel.INFO, description="The log level.")

    def run(self, ctx: RunContext) -> None:
        """Log the rendered format."""
        log_at(ctx.logger, ctx.render_as(self.level, LogLevel), str(ctx.render(self.format)))
