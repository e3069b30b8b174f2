"""``io.kestra.plugin.core.storage.Write``: write text to a new internal-storage file."""

from pydantic import Field

from tiercel.sdk import RunnableTask, Text, plugin


@plugin("io.kestra.plugin.core.storage.Write")
class Write(RunnableTask):
    """Store rendered content as a file and output its ``kestra://`` URI."""

    content: Text
    extension: Text | None = Field(default=None, description="e.g. `.txt`.")
