"""``io.kestra.plugin.core.storage.Delete``: remove a file from internal storage."""

from pydantic import Field

from tiercel.sdk import Output, Property, RunContext, RunnableTask, TaskFailure, Text, plugin


class DeleteOutput(Output):
    """What ``storage.Delete`` outputs."""

    uri: str = Field(description="The `kestra://` URI of the file.")
    deleted: bool = Field(description="Whether the file existed and was deleted.")


@plugin(
    "io.kestra.plugin.core.storage.Delete",
    aliases=["io.kestra.core.tasks.storages.Delete"],
)
class Delete(RunnableTask[DeleteOutput]):
    """Delete a ``kestra://`` file; a missing file fails only with ``errorOnMissing``."""

    uri: Text = Field(description="A `kestra://` URI.")
    error_on_missing: Property[bool] = False

    def run(self, ctx: RunContext) -> DeleteOutput:
        """``uri``: the file; ``deleted``: whether it existed."""
        uri = str(ctx.render(self.uri))
        deleted = ctx.files.delete(uri)
        if not deleted and ctx.render_as(self.error_on_missing, bool):
            raise TaskFailure(f"Unable to find file '{uri}'")
        return DeleteOutput(uri=uri, deleted=deleted)
