"""``io.kestra.plugin.core.storage.DeduplicateItems``: keep the last item of each key."""

from pydantic import Field

from tiercel.plugins.core.storage.files import new_file, read_lines, render_for_item, upload
from tiercel.sdk import Output, RunContext, RunnableTask, Text, plugin


class DeduplicateItemsOutput(Output):
    """What ``DeduplicateItems`` outputs."""

    uri: str = Field(description="The `kestra://` URI of the file of the items kept.")
    num_keys: int = Field(description="How many distinct keys were found.")
    processed_items_total: int = Field(description="How many items were read.")
    dropped_items_total: int = Field(description="How many items were dropped as duplicates.")


@plugin(
    "io.kestra.plugin.core.storage.DeduplicateItems",
    aliases=["io.kestra.core.tasks.storages.DeduplicateItems"],
)
class DeduplicateItems(RunnableTask[DeduplicateItemsOutput]):
    """Drop every item of an ION file but the last one of each key."""

    from_: Text = Field(alias="from", description="A `kestra://` URI of an ION file.")
    expr: Text = Field(description="Renders each item's key; the item's fields are variables.")

    def run(self, ctx: RunContext) -> DeduplicateItemsOutput:
        """``uri``: the items kept, in their order; ``numKeys``, ``processedItemsTotal``,
        ``droppedItemsTotal``: the counts.

        A first pass renders each item's key, a second copies the last item of each key.
        """
        uri = str(ctx.render(self.from_))
        keys = [
            render_for_item(ctx, self.expr, line, number)
            for number, line in enumerate(read_lines(ctx, uri), start=1)
        ]
        last = {key: index for index, key in enumerate(keys)}
        path = new_file(ctx, ".ion")
        kept = 0
        with path.open("w", encoding="utf-8", newline="\n") as out:
            for index, line in enumerate(read_lines(ctx, uri)):
                if index < len(keys) and last[keys[index]] == index:
                    out.write(line + "\n")
                    kept += 1
        return DeduplicateItemsOutput(
            uri=upload(ctx, path),
            num_keys=len(last),
            processed_items_total=len(keys),
            dropped_items_total=len(keys) - kept,
        )
