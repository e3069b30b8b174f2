"""``io.kestra.plugin.core.log.Log``: write a message to the execution's logs."""

from pydantic import Field

from tiercel.sdk import (
    Example,
    LogLevel,
    Property,
    RunContext,
    RunnableTask,
    TaskLogger,
    Text,
    plugin,
)


@plugin(
    "io.kestra.plugin.core.log.Log",
    aliases=["io.kestra.core.tasks.log.Log"],
    examples=[
        Example(
            "Log a greeting with an input in it",
            """\
id: log_greeting
namespace: company.team
inputs:
  - id: name
    type: STRING
    defaults: Ada
tasks:
  - id: greet
    type: io.kestra.plugin.core.log.Log
    message: "Hello, {{ inputs.name }}!"
""",
        ),
        Example(
            "Log several messages at WARN level",
            """\
id: log_warnings
namespace: company.team
tasks:
  - id: warn
    type: io.kestra.plugin.core.log.Log
    level: WARN
    message:
      - "Disk almost full on {{ flow.namespace }}"
      - "Execution {{ execution.id }} goes on"
""",
        ),
    ],
)
class Log(RunnableTask[None]):
    """Log a message, or each message of a list, at the given level."""

    message: Text | list[Text] = Field(
        description="The message, or a list of messages logged one after the other."
    )
    level: Property[LogLevel] = Field(default=LogLevel.INFO, description="The level to log at.")

    def run(self, ctx: RunContext) -> None:
        """Render the message (each message of a list) and log it; no outputs."""
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
