"""``io.kestra.plugin.serdes.csv.CsvToIon`` (formerly ``CsvReader``): a CSV file to Ion."""

import csv
import json.encoder
from collections.abc import Callable
from enum import StrEnum
from itertools import islice
from typing import Any

from pydantic import Field

from tiercel.plugins.serdes.csv import csv_arrow
from tiercel.plugins.serdes.files import encoding, reading, single_char
from tiercel.plugins.serdes.storing import TextSink, storing
from tiercel.sdk import Property, RunContext, RunnableTask, TaskFailure, Text, ion, plugin
from tiercel.sdk import ion_columns as columns

_NULL = "\\N"
_BATCH = 4096
_escape = json.encoder.encode_basestring


class OnBadLines(StrEnum):
    """What a malformed line (a wrong field count) does."""

    ERROR = "ERROR"
    WARN = "WARN"
    SKIP = "SKIP"


class OnEmptyHeader(StrEnum):
    """What becomes of columns without a name in the header."""

    DROP = "DROP"
    RENAME = "RENAME"


@plugin(
    "io.kestra.plugin.serdes.csv.CsvToIon",
    aliases=["io.kestra.plugin.serdes.csv.CsvReader"],
)
class CsvToIon(RunnableTask):
    """Convert a CSV file into an Ion file: one struct per row (a list without header)."""

    from_: Text = Field(alias="from", description="The `kestra://` URI of the CSV file.")
    header: Property[bool] = Field(default=True, description="The first line names the fields.")
    field_separator: Text = Field(default=",", description="The field separator character.")
    text_delimiter: Text = Field(default='"', description="The text delimiter character.")
    skip_empty_rows: Property[bool] = Field(default=False, description="Skip empty lines.")
    error_on_different_field_count: Property[bool] | None = Field(
        default=None, description="Deprecated: use `onBadLines`."
    )
    on_bad_lines: Property[OnBadLines] = Field(
        default=OnBadLines.ERROR,
        description="A line whose field count differs from the header's: fail (ERROR), log "
        "and skip it (WARN), or skip it (SKIP).",
    )
    on_empty_header: Property[OnEmptyHeader] = Field(
        default=OnEmptyHeader.DROP,
        description="Unnamed header columns: DROP the trailing ones, or RENAME them `col_<n>`.",
    )
    skip_rows: Property[int] = Field(default=0, description="Data rows to skip at the start.")
    charset: Text = Field(default="UTF-8", description="The file's charset.")
    max_buffer_size: Property[int] = Field(
        default=16 * 1024 * 1024, description="Accepted for Kestra compatibility."
    )
    max_field_size: Property[int] = Field(
        default=16 * 1024 * 1024, description="The largest field allowed, in characters."
    )

    def run(self, ctx: RunContext) -> dict[str, Any]:
        """``uri``: the Ion file; ``size``: the records written.

        Raises:
            TaskFailure: A bad line (with ``onBadLines: ERROR``), a bad option or file.
        """
        uri = str(ctx.render(self.from_))
        header = ctx.render_as(self.header, bool)
        separator = single_char(str(ctx.render(self.field_separator)), "fieldSeparator")
        quote = single_char(str(ctx.render(self.text_delimiter)), "textDelimiter")
        skip_empty = ctx.render_as(self.skip_empty_rows, bool)
        on_bad = ctx.render_as(self.on_bad_lines, OnBadLines)
        on_empty = ctx.render_as(self.on_empty_header, OnEmptyHeader)
        skip = ctx.render_as(self.skip_rows, int)
        csv.field_size_limit(max(ctx.render_as(self.max_field_size, int), 1))
        if header and columns.available():
            with storing(ctx, ".ion") as stored:
                converted = csv_arrow.convert(
                    ctx, uri, stored.file, encoding=_arrow_encoding(str(ctx.render(self.charset))),
                    separator=separator, quote=quote, skip_empty=skip_empty, skip=skip,
                    on_bad=on_bad.value, max_field=max(ctx.render_as(self.max_field_size, int), 1),
                    header_names=lambda names, warn: _header(names, on_empty, warn),
                )  # fmt: skip
                if converted is None:
                    stored.discard()
            if converted is not None:
                ctx.metric("records", converted)
                return {"uri": stored.uri, "size": converted}
        count = 0
        with (
            reading(ctx, uri, str(ctx.render(self.charset))) as text,
            storing(ctx, ".ion") as stored,
        ):
            out = TextSink(stored.file, "utf-8")
            rows = csv.reader(text, delimiter=separator, quotechar=quote, strict=True)
            writer: _Writer | None = None if header else _Writer(None)

            skipped = 0
            try:
                for batch in iter(lambda: list(islice(rows, _BATCH)), []):
                    fast = writer.lines(batch) if writer and skipped >= skip else None
                    if fast is not None:
                        out.write(fast)
                        count += len(batch)
                        continue
                    for row in batch:
                        if not row:
                            if skip_empty:
                                continue
                            row = [""]
                        if writer is None:
                            writer = _Writer(_header(row, on_empty, ctx.logger.warn), len(row))
                            continue
                        if skipped < skip:
                            skipped += 1
                            continue
                        if writer.expected is not None and len(row) != writer.expected:
                            message = (
                                "Bad line encountered (field count mismatch): Expected "
                                f"{writer.expected}, got {len(row)} fields."
                            )
                            if on_bad is OnBadLines.ERROR:
                                raise TaskFailure(message)
                            if on_bad is OnBadLines.WARN:
                                ctx.logger.warn(message)
                            continue
                        out.write(writer.line(row))
                        count += 1
            except csv.Error as exc:
                if on_bad is OnBadLines.ERROR:
                    raise TaskFailure(f"Line {rows.line_num} of {uri}: {exc}") from None
                if on_bad is OnBadLines.WARN:
                    ctx.logger.warn(f"Bad line encountered (skipped): {exc}")
        ctx.metric("records", count)
        return {"uri": stored.uri, "size": count}


def _header(names: list[str], on_empty: OnEmptyHeader, warn: Callable[[str], None]) -> list[str]:
    """The field names: trailing unnamed columns dropped (keeping one, with a warning), or
    all renamed."""
    if on_empty is OnEmptyHeader.RENAME:
        taken = set(names)
        renamed: list[str] = []
        for index, name in enumerate(names):
            if not name:
                attempt = 1
                while (name := f"col_{index}" + (f"_{attempt}" if attempt > 1 else "")) in taken:
                    attempt += 1
                taken.add(name)
            renamed.append(name)
        return renamed
    named = [index for index, name in enumerate(names) if name]
    kept = (named[-1] + 1) if named else len(names)
    if kept < len(names):
        warn(f"Dropping {len(names) - kept} trailing unnamed header column(s)")
    return names[:kept]


class _Writer:
    """Rows as Ion lines, fast: the field names are written once into a ``%`` template."""

    def __init__(self, names: list[str] | None, expected: int | None = None) -> None:
        self.names = names
        self.expected = expected
        self.template = ""
        if names is not None and len(set(names)) == len(names):
            self.template = (
                "{" + ",".join(ion.field_name(n).replace("%", "%%") + ":%s" for n in names) + "}\n"
            )

    def lines(self, rows: list[list[str]]) -> str | None:
        """Rows of the header's width as Ion lines, in one pass; None when a row needs the
        careful path (another width, duplicate names, no header)."""
        if not self.template:
            return None
        template = self.template
        width = len(self.names or ())
        try:
            if width == self.expected:
                text = "".join([template % tuple(map(_escape, row)) for row in rows])
            elif any(len(row) != self.expected for row in rows):
                return None
            else:  # trailing unnamed columns dropped
                text = "".join([template % tuple(map(_escape, row[:width])) for row in rows])
        except TypeError:  # a row of another width
            return None
        # A \N field, written as the string "\\N", is a null. Inside an encoded string a quote
        # is always escaped, so these sequences can only be whole values.
        if '"\\\\N"' in text:
            text = text.replace(':"\\\\N",', ":null,").replace(':"\\\\N"}', ":null}")
        return text

    def line(self, row: list[str]) -> str:
        if self.names is None:
            return ion.dumps([None if value == _NULL else value for value in row]) + "\n"
        width = len(self.names)
        if self.template and _NULL not in row:
            return self.template % tuple(map(_escape, row[:width]))
        fields: dict[str, Any] = {}
        for name, value in zip(self.names, row, strict=False):
            fields[name] = None if value == _NULL else value
        return ion.dumps(fields) + "\n"


def _arrow_encoding(charset: str) -> str:
    """pyarrow's name for a charset: its own ``utf8`` (decoded in C++, a byte-order mark
    skipped), any other a Python codec it decodes through."""
    name = encoding(charset)
    return "utf8" if name == "utf-8" else name
