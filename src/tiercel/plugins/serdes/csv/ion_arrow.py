"""``IonToCsv``'s fast path, for blocks of records that are all structs of strings and nulls
with the first record's fields in order (what ``CsvToIon`` and most text sources write).

Such a block is read by pyarrow's C++ CSV reader with the double quote as the field
separator, no quoting, and ``\\`` as the escape character: ``{id:"1",name:"a \\"b\\""}`` is
read as the five fields ``{id:``, ``1``, ``,name:``, ``a "b"`` and ``}``. Outside the quotes
the text is the same on every line (the braces, the names, the commas: the constant fields,
checked equal to what the names give), and the values are the fields between them; a null
is first written ``"\\x00"`` (a byte no valid Ion text holds raw) and read back as a null.
Nothing is rewritten but the nulls, and the block needs no count or other pass in Python.
A block that is anything else (another type, another shape or order, an Ion escape other
than ``\\"`` and ``\\\\``, a blank line...) goes through the Python path, line by line, so
the output is the same bytes either way. The CSV text is then built a column at a time
(``columns.join_rows``).
"""

import importlib
import re
from collections.abc import Iterator
from typing import IO, Any

from tiercel.sdk import ion
from tiercel.sdk import ion_columns as columns

_BLOCK = 2 << 20
_OTHER_ESCAPE = re.compile(rb'\\[^"\\]')


def blocks(raw: IO[bytes]) -> Iterator[bytes]:
    """The file's bytes in blocks of whole lines (a UTF-8 byte-order mark dropped).

    Each block is read into its own buffer, after the previous block's unfinished line, and
    cut there in place: one allocation and no copy of the block (three before), which spared
    a third of the page faults (system time) of a large file.
    """
    rest = b""
    first = True
    while True:
        block = bytearray(len(rest) + _BLOCK)
        block[: len(rest)] = rest
        read = _read_into(raw, memoryview(block)[len(rest) :])
        if not read:
            break
        del block[len(rest) + read :]
        if first:
            first = False
            if block.startswith(b"\xef\xbb\xbf"):
                del block[:3]
        cut = block.rfind(b"\n") + 1
        rest = bytes(block[cut:])
        if cut:
            del block[cut:]
            yield block  # type: ignore[misc]  # a bytearray: bytes' methods, no copy
    if rest:
        yield rest if rest.endswith(b"\n") else rest + b"\n"


def _read_into(raw: IO[bytes], view: memoryview) -> int:
    """Fill ``view`` from ``raw`` as far as the file goes; the bytes read."""
    readinto = getattr(raw, "readinto", None)
    filled = 0
    while filled < len(view):
        if readinto is not None:
            count = readinto(view[filled:])
        else:  # a stream without readinto: read, then copy
            data = raw.read(len(view) - filled)
            count = len(data)
            view[filled : filled + count] = data
        if not count:
            break
        filled += count
    return filled


class Converter:
    """Turns blocks of string-and-null structs with ``names`` into CSV text (UTF-8 bytes)."""

    def __init__(self, names: list[str], separator: str, quote: str, line: str, always: bool):
        self.width = len(names)
        self.layout = _layout(names)
        self.quote = quote
        self.always = always
        self.special = sorted({separator, quote, *line})
        between = quote + separator + quote if always else separator
        edge = quote if always else ""
        self.pieces = [edge] + [between] * (self.width - 1) + [edge + line]

    def convert(self, block: bytes) -> memoryview | None:
        """The block's records as CSV lines, or None when the block needs the Python path."""
        # One-column rows (the csv module quotes a lone empty field) and CR line ends go the
        # Python path; so does a NUL byte, which marks the nulls here.
        if self.layout is None or self.width < 2 or b"\r" in block or b"\x00" in block:
            return None
        # An escape other than \" and \\: searched in the block as it is first (a match may
        # be an escaped backslash before a letter), then with the \\ pairs taken out.
        if (
            b"\\" in block
            and _OTHER_ESCAPE.search(block) is not None
            and _OTHER_ESCAPE.search(block.replace(b"\\\\", b"")) is not None
        ):
            return None
        if b":null" in block:
            # Inside a string this text is rewritten too; its two new quotes then put the NUL
            # in a constant field, which the check below refuses.
            block = block.replace(b":null,", b':"\x00",').replace(b":null}", b':"\x00"}')
        table = _parse(block, len(self.layout))
        if table is None:
            return None
        pc = columns.modules()[1]
        values = []
        for column, constant in zip(table.columns, self.layout, strict=True):
            if constant is None:
                values.append(column.combine_chunks())
            elif column.null_count or not pc.all(pc.equal(column, constant)).as_py():
                return None  # another shape (the Python path writes its values in order)
        return memoryview(self._write(values))

    def _write(self, values: list[Any]) -> Any:
        _, pc = columns.modules()
        quote = self.quote
        cells = []
        for column in values:
            data = columns.text_bytes(column)
            if self.always:
                if quote.encode() in data:
                    column = pc.replace_substring(column, quote, quote + quote)
            elif any(char.encode() in data for char in self.special):
                pattern = "[" + "".join(re.escape(char) for char in self.special) + "]"
                needs = pc.match_substring_regex(column, pattern)
                quoted = pc.binary_join_element_wise(
                    quote, pc.replace_substring(column, quote, quote + quote), quote, ""
                )
                column = pc.if_else(needs, quoted, column)
            if column.null_count:
                column = pc.fill_null(column, "")
            cells.append(column)
        return columns.join_rows(self.pieces, cells)


def _layout(names: list[str]) -> list[str | None] | None:
    """The fields a record with ``names`` is read as: each constant text, None for a value;
    None when a name cannot be read back this way (a quoted name with an escape)."""
    layout: list[str | None] = []
    pending = "{"
    for index, name in enumerate(names):
        if index:
            pending += ","
        written = ion.field_name(name)
        if written.startswith('"'):  # a quoted name: its text is a field of its own
            if "\\" in written:
                return None
            layout += [pending, written[1:-1]]
            pending = ":"
        else:
            pending += written + ":"
        layout += [pending, None]
        pending = ""
    layout.append(pending + "}")
    return layout


def _parse(block: bytes, width: int) -> Any:
    """The block read as CSV with the double quote as separator; None when a line has
    another number of fields."""
    pa, _ = columns.modules()
    pcsv = importlib.import_module("pyarrow.csv")
    names = [f"c{index}" for index in range(width)]
    try:
        return pcsv.read_csv(
            pa.py_buffer(block),
            read_options=pcsv.ReadOptions(
                column_names=names, block_size=_BLOCK * 2, use_threads=False
            ),
            parse_options=pcsv.ParseOptions(
                delimiter='"', quote_char=False, escape_char="\\", newlines_in_values=False,
                ignore_empty_lines=False, invalid_row_handler=lambda _row: "error",
            ),
            convert_options=pcsv.ConvertOptions(
                column_types={name: pa.string() for name in names}, null_values=["\x00"],
                strings_can_be_null=True, quoted_strings_can_be_null=False,
            ),
        )  # fmt: skip
    except pa.ArrowInvalid:
        return None
