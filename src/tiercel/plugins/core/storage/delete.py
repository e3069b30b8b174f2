"""``io.kestra.plugin.core.storage.Delete``: remove a file from internal storage."""

from typing import Any

from pydantic import Field

from tiercel.sdk import Property, RunContext, RunnableTask, TaskFailure, Text, plugin


@plugin(
    "io.kestra.plugin.core.storage.Delete",
    aliases=["io.kestra.core.tasks.storages.Delete"],
)
class Delete(RunnableTask):
    """Delete a ``kestra://`` file; a missing file fails only with ``errorOnMissing``."""

    uri: Text = Field(description="A `kestra://` URI.")
    error_on_missing: Property[bool] = False

    def run(self, ctx: RunContext) -> dict[str, Any]:
        """``uri``: the file; ``deleted``: whether it existed."""
        uri = str(ctx.render(self.uri))
        deleted = ctx.files.delete(uri)
        if not deleted and ctx.render_as(self.error_on_missing, bool):
            raise TaskFailure(f"Unable to find file '{uri}'")
        return {"uri": uri, "deleted": deleted}
