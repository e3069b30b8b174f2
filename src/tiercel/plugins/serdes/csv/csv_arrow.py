"""``CsvToIon``'s fast path: pyarrow's C++ CSV reader, a batch of rows at a time, and each
batch's Ion lines built a column at a time (``columns``): no Python step per value, and
memory bounded by the batch, whatever the file's size.

It writes the same bytes as the Python path: every value an Ion string escaped as
``ion.dumps`` escapes it, ``\\N`` a null, the header's names as the fields.
"""

import importlib
from collections.abc import Callable
from typing import IO, Any

from tiercel.sdk import RunContext, TaskFailure, ion
from tiercel.sdk import ion_columns as columns

_NULL = "\\N"
_BLOCK = 1 << 20


def convert(
    ctx: RunContext,
    uri: str,
    out: IO[bytes],
    *,
    encoding: str,
    separator: str,
    quote: str,
    skip_empty: bool,
    skip: int,
    on_bad: str,
    max_field: int,
    header_names: Callable[[list[str], Callable[[str], None]], list[str]],
) -> int | None:
    """Convert the CSV file ``uri`` (with a header) into Ion lines on ``out``; the rows
    written, or None when the file needs the Python path (names that repeat, an empty line
    kept as a bad line, a UTF-16 or UTF-32 charset): then what was written is to be dropped,
    and nothing has been logged (the Python path logs its own warnings).

    Raises:
        TaskFailure: A bad line (``on_bad`` ERROR), a field over ``max_field`` characters.
    """
    if encoding.startswith(("utf-16", "utf-32", "utf_16", "utf_32")):
        return None
    pa, pc = columns.modules()
    pcsv = importlib.import_module("pyarrow.csv")

    read = pcsv.ReadOptions(block_size=_BLOCK, encoding=encoding)
    parse = pcsv.ParseOptions(
        delimiter=separator,
        quote_char=quote,
        double_quote=True,
        escape_char=False,
        newlines_in_values=True,
        ignore_empty_lines=skip_empty,
        invalid_row_handler=lambda _row: "skip",  # only the names are read here
    )
    try:
        with ctx.files.open(uri) as raw:
            names = pcsv.open_csv(raw, read_options=read, parse_options=parse).schema.names
    except pa.ArrowInvalid as exc:
        if "Empty CSV file" in str(exc):
            return 0
        raise TaskFailure(f"Unable to read '{uri}' as CSV: {_message(exc)}") from None
    warnings: list[str] = []  # logged once the file is converted here, not if it falls back
    fields = header_names(names, warnings.append)
    if len(set(fields)) != len(fields):
        return None
    bad: list[Any] = []

    def invalid(row: Any) -> str:
        message = (
            "Bad line encountered (field count mismatch): Expected "
            f"{row.expected_columns}, got {row.actual_columns} fields."
        )
        if on_bad == "ERROR":
            bad.append(message)
            return "error"
        if on_bad == "WARN":
            warnings.append(message)
        return "skip"

    parse.invalid_row_handler = invalid
    read.skip_rows_after_names = skip
    convert_options = pcsv.ConvertOptions(
        column_types={name: pa.string() for name in names},
        null_values=[_NULL],
        strings_can_be_null=True,
        quoted_strings_can_be_null=True,
        include_columns=names[: len(fields)] if len(set(names)) == len(names) else None,
    )
    names_ion = [ion.field_name(name) for name in fields]
    count = 0
    watch: _BlankLines | None = None
    blank_rows_differ = not skip_empty and len(names) > 1
    try:
        with ctx.files.open(uri) as raw:
            # pyarrow reads an empty line as a row of empty fields, and counts an ignored one
            # in skipRows; Kestra's reader (and the Python path) as a row of one field, a bad
            # line unless skipEmptyRows, and not counted then. Without skipEmptyRows such a
            # row is caught in the batches (``_maybe_blank``); with it and skipRows, the
            # bytes are watched as they are read.
            source: Any = raw
            if skip_empty and skip:
                source = watch = _BlankLines(raw)
            reader = pcsv.open_csv(
                source, read_options=read, parse_options=parse, convert_options=convert_options
            )

            # One batch at a time: pyarrow's reader already parses ahead in its threads, and
            # converting two batches side by side measured no faster (0.72 against 0.69 CPU
            # seconds for 100 MB, the same wall time: the reader is the slower stage).
            for batch in reader:
                if watch is not None and watch.seen:
                    return None
                if blank_rows_differ and _maybe_blank(pc, batch.columns):
                    return None
                out.write(_lines(pc, batch.columns[: len(fields)], names_ion, max_field))
                count += batch.num_rows
            if watch is not None and watch.seen:
                return None
    except pa.ArrowInvalid as exc:
        # An empty line before the failing row, in its batch, is a bad line of its own first
        # for the Python path: that path then says which.
        if (watch is not None and watch.seen) or (blank_rows_differ and _blank_line_in(ctx, uri)):
            return None
        if bad:
            raise TaskFailure(bad[0]) from None
        raise TaskFailure(f"Unable to read '{uri}' as CSV: {_message(exc)}") from None
    for warning in warnings:
        ctx.logger.warn(warning)
    return count


def _lines(pc: Any, values: list[Any], names: list[str], max_field: int) -> Any:
    """A batch's rows as Ion lines (a pyarrow buffer): each value escaped, quoted, or
    ``null``. A column's quotes go in the constant pieces around it, unless it has nulls in
    this batch: then around each of its values."""
    texts = []
    pieces = []
    before = "{"
    for column, name in zip(values, names, strict=True):
        _check_size(pc, column, max_field)
        text = columns.escape_for_ion(column)
        quote = '"'
        if text.null_count:
            text = pc.fill_null(pc.binary_join_element_wise(quote, text, quote, ""), "null")
            quote = ""
        texts.append(text)
        pieces.append(before + name + ":" + quote)
        before = quote + ","
    pieces.append(before[:-1] + "}\n")
    return columns.join_rows(pieces, texts)


def _maybe_blank(pc: Any, values: list[Any]) -> bool:
    """Whether a row of the batch may have been an empty line: every field empty (or null).
    Most batches are cleared by one column without an empty value."""
    if not values or len(values[0]) == 0:
        return False
    lengths = None
    for column in values:
        length = pc.binary_length(column)
        if column.null_count == 0 and pc.min(length).as_py() > 0:
            return False
        length = pc.fill_null(length, 0)
        lengths = length if lengths is None else pc.add(lengths, length)
    return bool(pc.min(lengths).as_py() == 0)


class _BlankLines:
    """A binary stream read through, noting whether it holds an empty line (or one inside a
    quoted value: the Python path then decides)."""

    def __init__(self, raw: IO[bytes]) -> None:
        self.raw = raw
        self.seen = False
        self.closed = False
        self._last = b"\n"  # the file's start counts as a line's start

    def read(self, size: int = -1) -> bytes:
        data = self.raw.read(size)
        if data and not self.seen:
            edge = self._last + data[:2]
            self.seen = any(
                blank in part for part in (data, edge) for blank in (b"\n\n", b"\n\r\n")
            )
            self._last = data[-2:]
        return data

    def readable(self) -> bool:
        return True

    def close(self) -> None:
        self.closed = True


def _blank_line_in(ctx: RunContext, uri: str) -> bool:
    with ctx.files.open(uri) as raw:
        watch = _BlankLines(raw)
        while not watch.seen and watch.read(_BLOCK):
            pass
        return watch.seen


def _check_size(pc: Any, column: Any, limit: int) -> None:
    if len(column) == 0:
        return
    longest = pc.max(pc.binary_length(column)).as_py() or 0
    if longest > limit and (pc.max(pc.utf8_length(column)).as_py() or 0) > limit:
        raise TaskFailure(f"A field is larger than the field limit ({limit} characters)")


def _message(exc: Exception) -> str:
    return " ".join(str(exc).split())[:300]
