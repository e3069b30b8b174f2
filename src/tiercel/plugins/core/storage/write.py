"""``io.kestra.plugin.core.storage.Write``: write text to a new internal-storage file."""

from pydantic import Field

from tiercel.plugins.core.storage.files import DEFAULT_EXTENSION, new_file, upload
from tiercel.sdk import Example, Output, RunContext, RunnableTask, Text, plugin


class WriteOutput(Output):
    """What ``storage.Write`` outputs."""

    uri: str = Field(description="The `kestra://` URI of the new file.")


@plugin(
    "io.kestra.plugin.core.storage.Write",
    examples=[
        Example(
            "Write a CSV file, then read its size",
            """\
id: write_csv
namespace: company.team
tasks:
  - id: write
    type: io.kestra.plugin.core.storage.Write
    extension: .csv
    content: |
      id,name
      1,{{ flow.id }}
  - id: size
    type: io.kestra.plugin.core.storage.Size
    uri: "{{ outputs.write.uri }}"
""",
        ),
    ],
)
class Write(RunnableTask[WriteOutput]):
    """Store rendered content as a file and output its ``kestra://`` URI."""

    content: Text = Field(description="The text to write, in UTF-8.")
    extension: Text | None = Field(default=None, description="e.g. `.txt`.")

    def run(self, ctx: RunContext) -> WriteOutput:
        """``uri``: the new file, its name ending with the extension (``.tmp`` by default)."""
        content = str(ctx.render(self.content)).encode("utf-8")
        extension = DEFAULT_EXTENSION if self.extension is None else ctx.render(self.extension)
        path = new_file(ctx, str(extension))
        path.write_bytes(content)
        return WriteOutput(uri=upload(ctx, path))
