"""``io.kestra.plugin.serdes.markdown.MarkdownToHtml``: CommonMark to HTML."""

from pydantic import Field

from tiercel.plugins.serdes.files import encoding, new_file, upload
from tiercel.plugins.serdes.markdown.common import commonmark, read_markdown
from tiercel.plugins.serdes.outputs import FileOutput
from tiercel.sdk import RunContext, RunnableTask, Text, plugin


@plugin("io.kestra.plugin.serdes.markdown.MarkdownToHtml")
class MarkdownToHtml(RunnableTask[FileOutput]):
    """Render a Markdown file (CommonMark) as HTML; HTML written in the Markdown is kept."""

    from_: Text = Field(alias="from", description="The `kestra://` URI of the Markdown file.")
    charset: Text = Field(default="UTF-8", description="The charset of both files.")

    def run(self, ctx: RunContext) -> FileOutput:
        """``uri``: the HTML file.

        Raises:
            TaskFailure: the file cannot be read, or is too large.
        """
        uri = str(ctx.render(self.from_))
        charset = str(ctx.render(self.charset))
        html = commonmark().render(read_markdown(ctx, uri, charset))
        path = new_file(ctx, ".html")
        path.write_text(html, encoding=encoding(charset), newline="\n")
        ctx.metric("bytes", len(html))
        return FileOutput(uri=upload(ctx, path))
