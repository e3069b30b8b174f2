"""``io.kestra.plugin.core.storage.Split``: cut an internal-storage file into several."""

from pydantic import Field

from tiercel.sdk import Property, RunnableTask, Text, plugin


@plugin(
    "io.kestra.plugin.core.storage.Split",
    aliases=["io.kestra.core.tasks.storages.Split"],
)
class Split(RunnableTask):
    """Split a file by size, number of rows, number of partitions or a regex key."""

    from_: Text = Field(alias="from", description="A `kestra://` URI.")
    bytes: Text | None = Field(default=None, description="Maximum size of a part, e.g. `10MB`.")
    partitions: Property[int] | None = Field(default=None, description="Number of parts.")
    rows: Property[int] | None = Field(default=None, description="Rows per part.")
    regex_pattern: Text | None = Field(
        default=None, description="Lines go to the part named by the first capture group."
    )
    separator: Text = "\n"
