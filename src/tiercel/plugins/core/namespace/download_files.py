"""``io.kestra.plugin.core.namespace.DownloadFiles``: copy namespace files to internal
storage."""

from typing import Annotated

from pydantic import Field

from tiercel.sdk import RunnableTask, Text, plugin


@plugin("io.kestra.plugin.core.namespace.DownloadFiles")
class DownloadFiles(RunnableTask):
    """Copy the namespace files matching globs into the execution's internal storage."""

    namespace: Text
    files: Annotated[Text, Field(min_length=1)] | Annotated[list[Text], Field(min_length=1)] = (
        Field(description="A glob or path, or a list of them.")
    )
    destination: Text = Field(default="", description="A folder to prefix the outputs with.")
