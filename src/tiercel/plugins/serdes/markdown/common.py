"""What the Markdown converters share: the source read whole (a Markdown document is parsed
as one), and the CommonMark parser."""

from typing import Any

from tiercel.plugins.serdes.files import library, reading
from tiercel.sdk import RunContext, TaskFailure

MAX_CHARS = 50 * 1024 * 1024
"""The largest document converted: Markdown is parsed whole."""


def read_markdown(ctx: RunContext, uri: str, charset: str) -> str:
    """The document's text.

    Raises:
        TaskFailure: the file cannot be read, or is larger than ``MAX_CHARS``.
    """
    with reading(ctx, uri, charset) as text:
        document = text.read(MAX_CHARS + 1)
    if len(document) > MAX_CHARS:
        raise TaskFailure(f"{uri} is over {MAX_CHARS:,} characters: too large to convert")
    return document


def commonmark() -> Any:
    """A CommonMark parser that keeps raw HTML, as Kestra's renderer does."""
    markdown_it = library("markdown_it", "markdown-it-py")
    return markdown_it.MarkdownIt("commonmark")
