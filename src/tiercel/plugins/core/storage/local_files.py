"""``io.kestra.plugin.core.storage.LocalFiles`` (deprecated): move files between the working
directory and internal storage."""

from pydantic import Field

from tiercel.sdk import Property, RunnableTask, Text, plugin


@plugin(
    "io.kestra.plugin.core.storage.LocalFiles",
    aliases=["io.kestra.core.tasks.storages.LocalFiles"],
    deprecated=True,
)
class LocalFiles(RunnableTask):
    """Create working-directory files and upload others (deprecated).

    Kestra replaced it with the ``inputFiles`` and ``outputFiles`` of script tasks and of
    WorkingDirectory.
    """

    inputs: dict[str, Text] | Text | None = Field(
        default=None, description="File name to content or `kestra://` URI; or a JSON object."
    )
    outputs: Property[list[str]] | None = Field(
        default=None, description="Globs of working-directory files to upload."
    )
