"""``io.kestra.plugin.core.storage.Delete``: remove a file from internal storage."""

from pydantic import Field

from tiercel.sdk import Property, RunnableTask, Text, plugin


@plugin(
    "io.kestra.plugin.core.storage.Delete",
    aliases=["io.kestra.core.tasks.storages.Delete"],
)
class Delete(RunnableTask):
    """Delete a ``kestra://`` file; a missing file fails only with ``errorOnMissing``."""

    uri: Text = Field(description="A `kestra://` URI.")
    error_on_missing: Property[bool] = False
