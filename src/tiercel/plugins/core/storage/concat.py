"""``io.kestra.plugin.core.storage.Concat``: join internal-storage files into one."""

import json
import shutil

from pydantic import Field

from tiercel.plugins.core.storage.files import new_file, upload
from tiercel.sdk import Output, RunContext, RunnableTask, TaskFailure, Text, plugin


class ConcatOutput(Output):
    """What ``Concat`` outputs."""

    uri: str = Field(description="The `kestra://` URI of the concatenated file.")


@plugin(
    "io.kestra.plugin.core.storage.Concat",
    aliases=["io.kestra.core.tasks.storages.Concat"],
)
class Concat(RunnableTask[ConcatOutput]):
    """Concatenate ``kestra://`` files, in order, into a new file."""

    files: list[Text] | Text = Field(
        description="A list of `kestra://` URIs, or an expression rendering a JSON array of them."
    )
    separator: Text | None = Field(default=None, description="Written after each file.")
    extension: Text = ".tmp"

    def run(self, ctx: RunContext) -> ConcatOutput:
        """``uri``: the files one after the other, each followed by the separator if any."""
        separator = None if self.separator is None else str(ctx.render(self.separator))
        path = new_file(ctx, str(ctx.render(self.extension)))
        with path.open("wb") as out:
            for uri in self._uris(ctx):
                with ctx.files.open(uri) as source:
                    shutil.copyfileobj(source, out)
                if separator is not None:
                    out.write(separator.encode("utf-8"))
        return ConcatOutput(uri=upload(ctx, path))

    def _uris(self, ctx: RunContext) -> list[str]:
        if isinstance(self.files, list):
            return [str(ctx.render(uri)) for uri in self.files]
        rendered = str(ctx.render(self.files))
        try:
            uris = json.loads(rendered)
        except json.JSONDecodeError:
            uris = None
        if not isinstance(uris, list) or not all(isinstance(uri, str) for uri in uris):
            raise TaskFailure(f"`files` must render a JSON array of URIs, not {rendered!r}")
        return uris
