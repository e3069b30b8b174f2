"""``io.kestra.plugin.core.storage.Write``: write text to a new internal-storage file."""

from typing import Any

from pydantic import Field

from tiercel.plugins.core.storage.files import DEFAULT_EXTENSION, new_file, upload
from tiercel.sdk import RunContext, RunnableTask, Text, plugin


@plugin("io.kestra.plugin.core.storage.Write")
class Write(RunnableTask):
    """Store rendered content as a file and output its ``kestra://`` URI."""

    content: Text
    extension: Text | None = Field(default=None, description="e.g. `.txt`.")

    def run(self, ctx: RunContext) -> dict[str, Any]:
        """``uri``: the new file, its name ending with the extension (``.tmp`` by default)."""
        content = str(ctx.render(self.content)).encode("utf-8")
        extension = DEFAULT_EXTENSION if self.extension is None else ctx.render(self.extension)
        path = new_file(ctx, str(extension))
        path.write_bytes(content)
        return {"uri": upload(ctx, path)}
