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
_NULL_MARK = "\x00"  # never in an escaped value (a NUL is written \u0000)
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
    header_names: Callable[[list[str]], list[str]],
) -> int | None:
    """Convert the CSV file ``uri`` (with a header) into Ion lines on ``out``; the rows
    written, or None when the file needs the Python path (names that repeat, an empty line
    kept as a bad line, a UTF-16 or UTF-32 charset): then what was written is to be dropped.

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
    fields = header_names(names)
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
            ctx.logger.warn(message)
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
    pieces = [
        ("{" if index == 0 else '",') + ion.field_name(name) + ':"'
        for index, name in enumerate(fields)
    ] + ['"}\n']
    count = 0
    try:
        with ctx.files.open(uri) as raw:
            # pyarrow reads an empty line as a row of empty fields, and counts a skipped one
            # in skipRows; Kestra's reader (and the Python path) as a row of one field, a bad
            # line unless skipEmptyRows, and not counted then.
            watch = _BlankLines(raw)
            reader = pcsv.open_csv(
                raw if skip_empty and not skip else watch,
                read_options=read,
                parse_options=parse,
                convert_options=convert_options,
            )

            def lines(batch: Any) -> Any:
                values = []
                nulls = False
                for column in batch.columns[: len(fields)]:
                    _check_size(pc, column, max_field)
                    column = columns.escape_for_ion(column)
                    if column.null_count:
                        nulls = True
                        column = pc.fill_null(column, _NULL_MARK)
                    values.append(column)
                text = columns.join_rows(pieces, values)
                return text.to_pybytes().replace(b'"\x00"', b"null") if nulls else text

            # One batch at a time: pyarrow's reader already parses ahead in its threads, and
            # converting two batches side by side measured slower here, with 35 MB more.
            for batch in reader:
                if watch.seen:
                    return None
                out.write(lines(batch))
                count += batch.num_rows
            if watch.seen:
                return None
    except pa.ArrowInvalid as exc:
        if watch.seen:
            return None
        if bad:
            raise TaskFailure(bad[0]) from None
        raise TaskFailure(f"Unable to read '{uri}' as CSV: {_message(exc)}") from None
    return count


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


def _check_size(pc: Any, column: Any, limit: int) -> None:
    if len(column) == 0:
        return
    longest = pc.max(pc.binary_length(column)).as_py() or 0
    if longest > limit and (pc.max(pc.utf8_length(column)).as_py() or 0) > limit:
        raise TaskFailure(f"A field is larger than the field limit ({limit} characters)")


def _message(exc: Exception) -> str:
    return " ".join(str(exc).split())[:300]
