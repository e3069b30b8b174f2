"""``io.kestra.plugin.core.log.Log``: write a message to the execution's logs."""

from tiercel.sdk import LogLevel, Property, RunnableTask, Text, plugin


@plugin("io.kestra.plugin.core.log.Log", aliases=["io.kestra.core.tasks.log.Log"])
class Log(RunnableTask):
    """Log a message, or each message of a list, at the given level."""

    message: Text | list[Text]
    level: Property[LogLevel] = LogLevel.INFO
