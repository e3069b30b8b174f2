"""``io.kestra.plugin.serdes.csv.IonToCsv`` (formerly ``CsvWriter``): an Ion file to CSV."""

import csv
import itertools
from collections.abc import Callable
from datetime import UTC, tzinfo
from enum import StrEnum
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field

from tiercel.plugins.serdes.csv import ion_arrow
from tiercel.plugins.serdes.files import encoding, ion_values, single_char
from tiercel.plugins.serdes.storing import TextSink, storing
from tiercel.plugins.serdes.values import CellFormat
from tiercel.sdk import Property, RunContext, RunnableTask, TaskFailure, Text, ion, plugin
from tiercel.sdk import ion_columns as columns


class QuoteMode(StrEnum):
    """When text is put between delimiters."""

    ALL = "ALL"
    REQUIRED = "REQUIRED"
    NON_NUMERIC = "NON_NUMERIC"


_QUOTING: dict[QuoteMode, Literal[0, 1, 2]] = {
    QuoteMode.ALL: 1,  # csv.QUOTE_ALL
    QuoteMode.REQUIRED: 0,  # csv.QUOTE_MINIMAL
    QuoteMode.NON_NUMERIC: 2,  # csv.QUOTE_NONNUMERIC
}


@plugin(
    "io.kestra.plugin.serdes.csv.IonToCsv",
    aliases=["io.kestra.plugin.serdes.csv.CsvWriter"],
)
class IonToCsv(RunnableTask):
    """Convert an Ion file into a CSV file; the first record's fields make the header."""

    from_: Text = Field(alias="from", description="The `kestra://` URI of the Ion file.")
    header: Property[bool] = Field(default=True, description="Write a header line.")
    field_separator: Text = Field(default=",", description="The field separator character.")
    text_delimiter: Text = Field(default='"', description="The text delimiter character.")
    line_delimiter: Text = Field(default="\n", description="The line delimiter.")
    always_delimit_text: Property[bool] = Field(
        default=False, description="Put every field between text delimiters."
    )
    quote_mode: Property[QuoteMode] | None = Field(
        default=None, description="ALL, REQUIRED (the default) or NON_NUMERIC."
    )
    charset: Text = Field(default="UTF-8", description="The charset of the CSV file.")
    date_format: Text = Field(default="yyyy-MM-dd", description="The format of dates.")
    time_format: Text = Field(default="HH:mm:ss[XXX]", description="The format of times.")
    date_time_format: Text = Field(
        default="yyyy-MM-dd'T'HH:mm:ss.SSS[XXX]", description="The format of timestamps."
    )
    time_zone_id: Text | None = Field(
        default=None,
        description="The time zone timestamps are shown in (`Europe/Paris`); UTC by default.",
    )

    def run(self, ctx: RunContext) -> dict[str, Any]:
        """``uri``: the CSV file; ``size``: the records written.

        Raises:
            TaskFailure: A line that is not Ion, a list record with ``header``, a bad option.
        """
        uri = str(ctx.render(self.from_))
        header = ctx.render_as(self.header, bool)
        mode = QuoteMode.REQUIRED
        if ctx.render_as(self.always_delimit_text, bool):
            mode = QuoteMode.ALL
        if self.quote_mode is not None:
            mode = ctx.render_as(self.quote_mode, QuoteMode)
        quoting = _QUOTING[mode]
        formats = CellFormat(
            str(ctx.render(self.date_format)),
            str(ctx.render(self.time_format)),
            str(ctx.render(self.date_time_format)),
            _zone(ctx.render(self.time_zone_id)),
        )
        cell = formats.cell
        charset = encoding(str(ctx.render(self.charset)))
        with storing(ctx, ".csv") as stored:
            out = TextSink(stored.file, charset)
            writer = csv.writer(
                out,
                delimiter=single_char(str(ctx.render(self.field_separator)), "fieldSeparator"),
                quotechar=single_char(str(ctx.render(self.text_delimiter)), "textDelimiter"),
                lineterminator=str(ctx.render(self.line_delimiter)),
                quoting=quoting,
            )
            rows = _Rows(writer, cell, header)
            if mode is not QuoteMode.NON_NUMERIC and columns.available():
                fast = _Fast(
                    single_char(str(ctx.render(self.field_separator)), "fieldSeparator"),
                    single_char(str(ctx.render(self.text_delimiter)), "textDelimiter"),
                    str(ctx.render(self.line_delimiter)),
                    mode is QuoteMode.ALL,
                )
                fast.run(ctx, uri, out, rows)
            else:
                for value in ion_values(ctx, uri):
                    rows.add(value)
            count = rows.count
        ctx.metric("records", count)
        return {"uri": stored.uri, "size": count}


def _zone(name: Any) -> tzinfo:
    if name is None or str(name).strip() == "":
        return UTC
    try:
        return ZoneInfo(str(name).strip())
    except (ZoneInfoNotFoundError, ValueError):
        raise TaskFailure(f"Invalid timeZoneId '{name}'") from None


class _Rows:
    """Records written one at a time by the csv module (the Python path)."""

    def __init__(self, writer: Any, cell: Callable[[Any], str | None], header: bool) -> None:
        self.writer = writer
        self.cell = cell
        self.header = header
        self.count = 0
        self.names: list[str] | None = None
        """The first record's field names, once a struct was written first."""

    def add(self, value: object) -> None:
        """Write one record (a struct or a list; other values are skipped).

        Raises:
            TaskFailure: A list record with a header.
        """
        cell = self.cell
        if isinstance(value, dict):
            if self.count == 0 and self.names is None:
                self.names = list(value)
                if self.header:
                    self.writer.writerow(self.names)
            self.writer.writerow([cell(v) for v in value.values()])
        elif isinstance(value, list):
            if self.header:
                raise TaskFailure("Invalid data of type List with header")
            self.writer.writerow([cell(v) for v in value])
        else:
            return
        self.count += 1


class _Fast:
    """Blocks of string-and-null structs converted by ``ion_arrow``; the others line by line."""

    def __init__(self, separator: str, quote: str, line: str, always: bool) -> None:
        self.options = (separator, quote, line, always)
        self.converter: ion_arrow.Converter | None = None
        self.number = 0
        """Lines read so far (for error messages)."""

    def run(self, ctx: RunContext, uri: str, out: TextSink, rows: _Rows) -> None:
        """Convert the Ion file ``uri`` onto ``out``.

        Raises:
            TaskFailure: The file cannot be read; a line is not Ion.
        """
        try:
            raw = ctx.files.open(uri)
        except (OSError, ValueError, KeyError) as exc:
            raise TaskFailure(f"Unable to read '{uri}': {exc}") from None
        self.number = 0
        with raw:
            source = ion_arrow.blocks(raw)
            for block in source:
                if self.converter is None and rows.count == 0:
                    self._start(block, rows)
                converter = self.converter
                if converter is None:
                    self._emit(block, None, uri, out, rows)
                    continue
                # From the first struct on, blocks are converted side by side (pyarrow's
                # reader and kernels release the GIL), and written in their order.
                pending = itertools.chain([block], source)
                for done, text in columns.in_order(converter.convert, pending):
                    self._emit(done, text, uri, out, rows)
                return

    def _emit(
        self, block: bytes, text: memoryview | None, uri: str, out: TextSink, rows: _Rows
    ) -> None:
        """Write a block's CSV text, or its records one at a time when it has none."""
        lines = block.count(b"\n")
        if text is None:
            self._slowly(block, self.number, uri, rows)
        elif encoding(getattr(out, "encoding", "")) == "utf-8":
            out.flush()
            out.buffer.write(text)
            rows.count += lines
        else:
            out.write(str(text, "utf-8"))
            rows.count += lines
        self.number += lines

    def _start(self, block: bytes, rows: _Rows) -> None:
        """The converter, when the file's first record is a struct: the header is written."""
        line = next((line for line in block.split(b"\n") if line.strip()), None)
        if line is None:
            return
        try:
            first = ion.loads(line.decode("utf-8"))
        except (ion.IonError, UnicodeDecodeError):
            return  # the Python path reports it
        if isinstance(first, dict) and first:
            rows.names = list(first)
            if rows.header:
                rows.writer.writerow(rows.names)
            self.converter = ion_arrow.Converter(rows.names, *self.options)

    def _slowly(self, block: bytes, number: int, uri: str, rows: _Rows) -> None:
        try:
            text = block.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise TaskFailure(f"Unable to read '{uri}': {exc}") from None
        for offset, line in enumerate(text.split("\n")[:-1], start=number + 1):
            if not line.strip():
                continue
            try:
                value = ion.loads(line)
            except ion.IonError as exc:
                raise TaskFailure(f"Line {offset} of {uri} is not valid Ion: {exc}") from None
            rows.add(value)
        if self.converter is None and rows.names:
            self.converter = ion_arrow.Converter(rows.names, *self.options)
