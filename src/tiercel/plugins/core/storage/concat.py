"""``io.kestra.plugin.core.storage.Concat``: join internal-storage files into one."""

from pydantic import Field

from tiercel.sdk import RunnableTask, Text, plugin


@plugin(
    "io.kestra.plugin.core.storage.Concat",
    aliases=["io.kestra.core.tasks.storages.Concat"],
)
class Concat(RunnableTask):
    """Concatenate ``kestra://`` files, in order, into a new file."""

    files: list[Text] | Text = Field(
        description="A list of `kestra://` URIs, or an expression rendering a JSON array of them."
    )
    separator: Text | None = Field(default=None, description="Written after each file.")
    extension: Text = ".tmp"
