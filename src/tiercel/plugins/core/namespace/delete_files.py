"""``io.kestra.plugin.core.namespace.DeleteFiles``: delete namespace files."""

from pydantic import Field

from tiercel.sdk import Property, RunnableTask, Text, plugin


@plugin("io.kestra.plugin.core.namespace.DeleteFiles")
class DeleteFiles(RunnableTask):
    """Delete the namespace files matching globs or paths."""

    namespace: Text
    files: Text | list[Text] = Field(description="A glob or path, or a list of them.")
    delete_parent_folder: Property[bool] = Field(
        default=False, description="Also delete the folders the deletion leaves empty."
    )
