"""``io.kestra.plugin.core.namespace.DownloadFiles``: copy namespace files to internal
storage."""

from typing import Annotated

from pydantic import Field

from tiercel.sdk import Output, RunContext, RunnableTask, Text, plugin


class DownloadFilesOutput(Output):
    """What ``DownloadFiles`` outputs."""

    files: dict[str, str] = Field(
        description="Each namespace path downloaded, with its `kestra://` URI."
    )


@plugin("io.kestra.plugin.core.namespace.DownloadFiles")
class DownloadFiles(RunnableTask[DownloadFilesOutput]):
    """Copy the namespace files matching globs into the execution's internal storage."""

    namespace: Text
    files: Annotated[Text, Field(min_length=1)] | Annotated[list[Text], Field(min_length=1)] = (
        Field(description="A glob or path, or a list of them.")
    )
    destination: Text = Field(default="", description="A folder to prefix the outputs with.")

    def run(self, ctx: RunContext) -> DownloadFilesOutput:
        """``files``: each downloaded namespace path with its ``kestra://`` URI."""
        store = ctx.namespace_files(str(ctx.render(self.namespace)))
        rendered = ctx.render(self.files)
        patterns = [str(p) for p in ([rendered] if isinstance(rendered, str) else rendered)]
        folder = str(ctx.render(self.destination)).strip("/")
        stored: dict[str, str] = {}
        for path in store.paths(include=patterns):
            name = f"{folder}/{path}".strip("/")
            stored[name] = ctx.files.put(name, store.read(path))
        return DownloadFilesOutput(files=stored)
