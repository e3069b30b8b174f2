"""``io.kestra.plugin.core.namespace.DeleteFiles``: delete namespace files."""

from pydantic import Field

from tiercel.sdk import Output, Property, RunContext, RunnableTask, Text, plugin


class DeleteFilesOutput(Output):
    """What ``DeleteFiles`` outputs."""

    files: list[str] = Field(description="The namespace paths deleted.")


@plugin("io.kestra.plugin.core.namespace.DeleteFiles")
class DeleteFiles(RunnableTask[DeleteFilesOutput]):
    """Delete the namespace files matching globs or paths."""

    namespace: Text
    files: Text | list[Text] = Field(description="A glob or path, or a list of them.")
    delete_parent_folder: Property[bool] = Field(
        default=False, description="Also delete the folders the deletion leaves empty."
    )

    def run(self, ctx: RunContext) -> DeleteFilesOutput:
        """``files``: the namespace paths deleted."""
        store = ctx.namespace_files(str(ctx.render(self.namespace)))
        rendered = ctx.render(self.files)
        patterns = [str(p) for p in ([rendered] if isinstance(rendered, str) else rendered)]
        deleted: list[str] = []
        for path in store.paths(include=patterns):
            deleted.extend(store.delete(path))
        return DeleteFilesOutput(files=deleted)
