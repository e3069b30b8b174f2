"""``io.kestra.plugin.core.log.Log``: write a message to the execution's logs."""

from tiercel.sdk import LogLevel, Property, RunContext, RunnableTask, TaskLogger, Text, plugin


@plugin("io.kestra.plugin.core.log.Log", aliases=["io.kestra.core.tasks.log.Log"])
class Log(RunnableTask):
    """Log a message, or each message of a list, at the given level."""

    message: Text | list[Text]
    level: Property[LogLevel] = LogLevel.INFO

    def run(self, ctx: RunContext) -> None:
        """Render the message (each message of a list) and log it."""
        level = ctx.render_as(self.level, LogLevel)
        messages = self.message if isinstance(self.message, list) else [self.message]
        for message in messages:
            log_at(ctx.logger, level, str(ctx.render(message)))


def log_at(logger: TaskLogger, level: LogLevel, message: str) -> None:
    """Send a message to the logger method of a level."""
    {
        LogLevel.TRACE: logger.trace,
        LogLevel.DEBUG: logger.debug,
        LogLevel.INFO: logger.info,
        LogLevel.WARN: logger.warn,
        LogLevel.ERROR: logger.error,
    }[level](message)
