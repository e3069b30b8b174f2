"""``io.kestra.plugin.core.namespace.UploadFiles``: store files as namespace files."""

from enum import StrEnum

from pydantic import Field

from tiercel.sdk import Property, RunnableTask, Text, plugin


class Conflict(StrEnum):
    """What to do when the namespace file already exists."""

    OVERWRITE = "OVERWRITE"
    ERROR = "ERROR"
    SKIP = "SKIP"


@plugin("io.kestra.plugin.core.namespace.UploadFiles")
class UploadFiles(RunnableTask):
    """Upload working-directory or ``kestra://`` files into a namespace."""

    namespace: Text
    files: list[Text] | dict[str, Text] | Text | None = Field(
        default=None,
        description="Globs or `kestra://` URIs copied under `destination`; or (0.x) a map of "
        "destination path to URI.",
    )
    files_map: dict[str, Text] | Text | None = Field(
        default=None, description="Destination path to `kestra://` URI (1.x)."
    )
    destination: Text = Field(default="/", description="The folder for the files of a list.")
    conflict: Property[Conflict] = Conflict.OVERWRITE
