"""``io.kestra.plugin.core.storage.Reverse``: reverse the lines of an internal-storage file."""

from pydantic import Field

from tiercel.sdk import RunnableTask, Text, plugin


@plugin(
    "io.kestra.plugin.core.storage.Reverse",
    aliases=["io.kestra.core.tasks.storages.Reverse"],
)
class Reverse(RunnableTask):
    """Write a copy of a file with its last line first."""

    from_: Text = Field(alias="from", description="A `kestra://` URI.")
    separator: Text = Field(default="\n", description="Written after each line.")
    charset: Text = "UTF-8"
