"""``io.kestra.plugin.core.storage.DeduplicateItems``: keep the last item of each key."""

from pydantic import Field

from tiercel.sdk import RunnableTask, Text, plugin


@plugin(
    "io.kestra.plugin.core.storage.DeduplicateItems",
    aliases=["io.kestra.core.tasks.storages.DeduplicateItems"],
)
class DeduplicateItems(RunnableTask):
    """Drop every item of an ION file but the last one of each key."""

    from_: Text = Field(alias="from", description="A `kestra://` URI of an ION file.")
    expr: Text = Field(description="Renders each item's key; the item's fields are variables.")
