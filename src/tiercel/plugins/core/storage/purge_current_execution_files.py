"""``io.kestra.plugin.core.storage.PurgeCurrentExecutionFiles``: delete this execution's
files from internal storage."""

from tiercel.sdk import Property, RunnableTask, plugin


@plugin(
    "io.kestra.plugin.core.storage.PurgeCurrentExecutionFiles",
    aliases=[
        "io.kestra.core.tasks.storages.PurgeExecution",
        "io.kestra.plugin.core.storage.PurgeExecution",
    ],
)
class PurgeCurrentExecutionFiles(RunnableTask):
    """Delete every file the current execution stored: inputs, outputs and trigger files."""

    include_child_executions: Property[bool] = False
    include_states: Property[bool] = False
