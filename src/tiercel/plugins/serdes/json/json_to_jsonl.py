"""``io.kestra.plugin.serdes.json.JsonToJsonl``: a JSON array (or concatenated objects) to
JSON Lines, read a piece at a time."""

import json
from collections.abc import Iterator
from typing import IO, Any

from pydantic import Field

from tiercel.plugins.serdes.files import BUFFER, encoding, new_file, reading, upload
from tiercel.plugins.serdes.outputs import CountedFileOutput
from tiercel.sdk import RunContext, RunnableTask, TaskFailure, Text, plugin

_CHUNK = 1 << 16
_DECODER = json.JSONDecoder()


@plugin("io.kestra.plugin.serdes.json.JsonToJsonl")
class JsonToJsonl(RunnableTask[CountedFileOutput]):
    """Convert a JSON file to JSON Lines: each item of a top-level array, or each of the
    objects that follow one another in the file, becomes one line."""

    from_: Text = Field(alias="from", description="The `kestra://` URI of the JSON file.")
    charset: Text = Field(default="UTF-8", description="The charset of both files.")

    def run(self, ctx: RunContext) -> CountedFileOutput:
        """``uri``: the JSON Lines file; ``size``: the lines written.

        Raises:
            TaskFailure: text that is not JSON, or a top-level value that is neither an array
                nor an object.
        """
        uri = str(ctx.render(self.from_))
        charset = str(ctx.render(self.charset))
        path = new_file(ctx, ".jsonl")
        count = 0
        with (
            reading(ctx, uri, charset) as text,
            path.open("w", encoding=encoding(charset), newline="\n", buffering=BUFFER) as out,
        ):
            for value in _records(text, uri):
                out.write(json.dumps(value, ensure_ascii=False, separators=(",", ":")) + "\n")
                count += 1
        ctx.metric("records", count)
        return CountedFileOutput(uri=upload(ctx, path), size=count)


class _Reader:
    """JSON values decoded one after another from a text stream, holding one value's text."""

    def __init__(self, text: IO[str], uri: str) -> None:
        self.text = text
        self.uri = uri
        self.buffer = ""
        self.position = 0
        self.ended = False

    def peek(self) -> str:
        """The next character that is not white space; empty at the end of the file."""
        while True:
            while self.position < len(self.buffer) and self.buffer[self.position].isspace():
                self.position += 1
            if self.position < len(self.buffer) or not self._more():
                return self.buffer[self.position : self.position + 1]

    def take(self) -> None:
        """Skip the character ``peek`` gave."""
        self.position += 1

    def value(self) -> Any:
        """Decode the next value (white space before it is skipped)."""
        self.peek()
        while True:
            try:
                value, end = _DECODER.raw_decode(self.buffer, self.position)
            except json.JSONDecodeError as exc:
                # A value cut by the end of what was read so far: read more and try again.
                if self._more():
                    continue
                raise TaskFailure(f"Invalid JSON format in {self.uri}: {exc}") from None
            self.position = end
            return value

    def _more(self) -> bool:
        if self.ended:
            return False
        # As much again as is held: a long value is decoded again only a few times.
        chunk = self.text.read(max(_CHUNK, len(self.buffer) - self.position))
        if not chunk:
            self.ended = True
            return False
        self.buffer = self.buffer[self.position :] + chunk
        self.position = 0
        return True


def _records(text: IO[str], uri: str) -> Iterator[Any]:
    reader = _Reader(text, uri)
    first = reader.peek()
    if not first:
        return
    if first == "[":
        reader.take()
        if reader.peek() == "]":
            return
        while True:
            yield reader.value()
            separator = reader.peek()
            reader.take()
            if separator == "]":
                return
            if separator != ",":
                raise TaskFailure(f"Invalid JSON format in {uri}: expected ',' or ']'")
    if first != "{":
        raise TaskFailure(
            f"Invalid JSON format in {uri}: expected a JSON array or object, found '{first}'"
        )
    while reader.peek():
        yield reader.value()
