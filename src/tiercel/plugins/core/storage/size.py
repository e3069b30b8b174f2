"""``io.kestra.plugin.core.storage.Size``: the size of an internal-storage file."""

from pydantic import Field

from tiercel.sdk import RunnableTask, Text, plugin


@plugin(
    "io.kestra.plugin.core.storage.Size",
    aliases=["io.kestra.core.tasks.storages.Size"],
)
class Size(RunnableTask):
    """Output the size in bytes of a ``kestra://`` file."""

    uri: Text = Field(description="A `kestra://` URI.")
