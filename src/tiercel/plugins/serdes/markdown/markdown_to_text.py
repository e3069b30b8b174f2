"""``io.kestra.plugin.serdes.markdown.MarkdownToText``: Markdown to plain text."""

from typing import Any

from pydantic import Field

from tiercel.plugins.serdes.files import encoding, new_file, upload
from tiercel.plugins.serdes.markdown.common import commonmark, read_markdown
from tiercel.plugins.serdes.outputs import FileOutput
from tiercel.sdk import RunContext, RunnableTask, Text, plugin


@plugin("io.kestra.plugin.serdes.markdown.MarkdownToText")
class MarkdownToText(RunnableTask[FileOutput]):
    """Keep the text of a Markdown file: paragraphs and headings on lines of their own, list
    items after `- `, links as their text; code, images' URLs and HTML are left out."""

    from_: Text = Field(alias="from", description="The `kestra://` URI of the Markdown file.")
    charset: Text = Field(default="UTF-8", description="The charset of both files.")

    def run(self, ctx: RunContext) -> FileOutput:
        """``uri``: the text file.

        Raises:
            TaskFailure: the file cannot be read, or is too large.
        """
        uri = str(ctx.render(self.from_))
        charset = str(ctx.render(self.charset))
        text = plain_text(commonmark().parse(read_markdown(ctx, uri, charset)))
        path = new_file(ctx, ".txt")
        path.write_text(text, encoding=encoding(charset), newline="\n")
        ctx.metric("bytes", len(text))
        return FileOutput(uri=upload(ctx, path))


_BLOCK_ENDS = {"paragraph_close": "\n", "heading_close": "\n", "list_item_close": "\n"}
_INLINE = {"softbreak": " ", "hardbreak": "\n"}


def plain_text(tokens: list[Any]) -> str:
    """The text of parsed Markdown, as Kestra's converter writes it."""
    parts: list[str] = []
    for token in tokens:
        if token.type == "list_item_open":
            parts.append("- ")
        elif token.type in _BLOCK_ENDS:
            parts.append(_BLOCK_ENDS[token.type])
        elif token.type == "inline":
            parts.extend(_inline(token.children or []))
    return "".join(parts).strip()


def _inline(children: list[Any]) -> list[str]:
    parts: list[str] = []
    for child in children:
        if child.type == "text":
            parts.append(child.content)
        elif child.type in _INLINE:
            parts.append(_INLINE[child.type])
        elif child.type == "image":
            parts.extend(_inline(child.children or []))  # its alt text
    return parts
