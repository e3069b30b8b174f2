"""``io.kestra.plugin.core.storage.Reverse``: reverse the lines of an internal-storage file."""

import codecs

from pydantic import Field

from tiercel.plugins.core.storage.files import extension_of, new_file, split_lines, upload
from tiercel.sdk import Output, RunContext, RunnableTask, TaskFailure, Text, plugin


class ReverseOutput(Output):
    """What ``Reverse`` outputs."""

    uri: str = Field(description="The `kestra://` URI of the reversed file.")


@plugin(
    "io.kestra.plugin.core.storage.Reverse",
    aliases=["io.kestra.core.tasks.storages.Reverse"],
)
class Reverse(RunnableTask[ReverseOutput]):
    """Write a copy of a file with its last line first."""

    from_: Text = Field(alias="from", description="A `kestra://` URI.")
    separator: Text = Field(default="\n", description="Written after each line.")
    charset: Text = "UTF-8"

    def run(self, ctx: RunContext) -> ReverseOutput:
        """``uri``: the lines in reverse order, each followed by the separator.

        The file is read whole: Kestra reads it backwards from the end instead.
        """
        uri = str(ctx.render(self.from_))
        separator = str(ctx.render(self.separator))
        charset = str(ctx.render(self.charset))
        try:
            codecs.lookup(charset)
        except LookupError:
            raise TaskFailure(f"Unsupported charset '{charset}'") from None
        text = ctx.files.read_bytes(uri).decode(charset, errors="replace")
        path = new_file(ctx, extension_of(uri))
        with path.open("w", encoding=charset, errors="replace", newline="") as out:
            for line in reversed(split_lines(text)):
                out.write(line + separator)
        return ReverseOutput(uri=upload(ctx, path))
