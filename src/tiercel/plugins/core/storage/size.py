"""``io.kestra.plugin.core.storage.Size``: the size of an internal-storage file."""

from typing import Any

from pydantic import Field

from tiercel.sdk import RunContext, RunnableTask, TaskFailure, Text, plugin


@plugin(
    "io.kestra.plugin.core.storage.Size",
    aliases=["io.kestra.core.tasks.storages.Size"],
)
class Size(RunnableTask):
    """Output the size in bytes of a ``kestra://`` file."""

    uri: Text = Field(description="A `kestra://` URI.")

    def run(self, ctx: RunContext) -> dict[str, Any]:
        """``size``: the file's size in bytes."""
        uri = str(ctx.render(self.uri))
        try:
            return {"size": ctx.files.size(uri)}
        except FileNotFoundError:
            raise TaskFailure(f"Unable to find file '{uri}'") from None
