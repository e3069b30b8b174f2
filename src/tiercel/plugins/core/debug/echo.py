"""``io.kestra.plugin.core.debug.Echo``: log a rendered message (deprecated)."""

from pydantic import Field

from tiercel.sdk import LogLevel, Property, RunnableTask, Text, plugin


@plugin(
    "io.kestra.plugin.core.debug.Echo",
    aliases=["io.kestra.core.tasks.debugs.Echo"],
    deprecated=True,
)
class Echo(RunnableTask):
    """Log a rendered message (deprecated: use Log)."""

    format: Text | None = Field(default=None, description="The message to render and log.")
    level: Property[LogLevel] = Field(default=LogLevel.INFO, description="The log level.")
