"""``IonToCsv``'s fast path, for blocks of records that are all structs of strings and nulls
with the first record's fields in order (what ``CsvToIon`` and most text sources write).

Such a block is Ion text that pyarrow's C++ CSV reader can read once each ``:`` after a field
name becomes a separator: ``{id:"1",name:"a \\"b\\""}`` is read as the four fields ``{id``,
``1``, ``name``, ``a "b"`` (``\\`` the escape character, ``null`` unquoted a null). The
name fields must be the first record's names, and the counts of what was rewritten must
match the values read; the CSV text is then built a column at a time
(``columns.join_rows``). A block that is anything else (another type, another shape, an Ion
escape other than ``\\"`` and ``\\\\``...) goes through the Python path, line by line, so
the output is the same bytes either way.
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
    """The file's bytes in blocks of whole lines (a UTF-8 byte-order mark dropped)."""
    rest = b""
    first = True
    while True:
        data = raw.read(_BLOCK)
        if not data:
            break
        if first:
            first = False
            if data.startswith(b"\xef\xbb\xbf"):
                data = data[3:]
        data = rest + data
        cut = data.rfind(b"\n") + 1
        rest = data[cut:]
        if cut:
            yield data[:cut]
    if rest:
        yield rest if rest.endswith(b"\n") else rest + b"\n"


class Converter:
    """Turns blocks of string-and-null structs with ``names`` into CSV text (UTF-8 bytes)."""

    def __init__(self, names: list[str], separator: str, quote: str, line: str, always: bool):
        self.width = len(names)
        # The name fields as the CSV reader gives them back: a quoted name loses its quotes
        # (the first keeps them, after the brace); a name with escapes goes the Python way.
        self.names = [
            ("{" if index == 0 else "") + (ion.field_name(name) if index == 0 else name)
            for index, name in enumerate(names)
        ]
        self.quote = quote
        self.always = always
        self.special = sorted({separator, quote, *line})
        between = quote + separator + quote if always else separator
        edge = quote if always else ""
        self.pieces = [edge] + [between] * (self.width - 1) + [edge + line]

    def convert(self, block: bytes) -> bytes | None:
        """The block's records as CSV lines, or None when the block needs the Python path."""
        # One-column rows and CR line ends go the Python path; so do blank lines, which the
        # CSV reader refuses (a row of one field).
        if self.width < 2 or b"\r" in block:
            return None
        # An escape other than \" and \\: searched in the block as it is first (a match may
        # be an escaped backslash before a letter), then with the \\ pairs taken out.
        if (
            b"\\" in block
            and _OTHER_ESCAPE.search(block) is not None
            and _OTHER_ESCAPE.search(block.replace(b"\\\\", b"")) is not None
        ):
            return None
        # Each name and its value become two CSV fields: {id:"1",name:null} is read as
        # {id,"1",name,null. Inside a string, a double quote is escaped unless it closes the
        # string, so ':"' there means a value ending with a colon: counted below.
        starts = block.count(b':"')
        text = block.replace(b':"', b',"')
        nulls = 0
        if b":null" in block:
            nulls = block.count(b":null,") + block.count(b":null}")
            text = text.replace(b":null,", b",null,").replace(b":null}", b",null}")
        text = text.replace(b"}\n", b"\n")
        table = self._parse(text)
        if table is None or table.num_rows != block.count(b"\n"):
            return None
        pc = columns.modules()[1]
        values = table.columns[1::2]
        for column, name in zip(table.columns[0::2], self.names, strict=True):
            if column.null_count or not pc.all(pc.equal(column, name)).as_py():
                return None  # another shape (the Python path writes its values in order)
        found_nulls = sum(column.null_count for column in values)
        if found_nulls != nulls or starts != len(values) * table.num_rows - found_nulls:
            return None  # a value holding ':"' or ':null,'
        written: bytes = self._write(values).to_pybytes()
        return written

    def _parse(self, text: bytes) -> Any:
        pa, _ = columns.modules()
        pcsv = importlib.import_module("pyarrow.csv")

        names = [f"c{index}" for index in range(2 * self.width)]
        try:
            return pcsv.read_csv(
                pa.py_buffer(text),
                read_options=pcsv.ReadOptions(column_names=names, block_size=_BLOCK * 2),
                parse_options=pcsv.ParseOptions(
                    delimiter=",", quote_char='"', double_quote=False, escape_char="\\",
                    newlines_in_values=False, ignore_empty_lines=False,
                ),
                convert_options=pcsv.ConvertOptions(
                    column_types={name: pa.string() for name in names}, null_values=["null"],
                    strings_can_be_null=True, quoted_strings_can_be_null=False,
                ),
            )  # fmt: skip
        except pa.ArrowInvalid:
            return None

    def _write(self, values: list[Any]) -> Any:
        _, pc = columns.modules()
        quote = self.quote
        cells = []
        for column in values:
            column = column.combine_chunks() if hasattr(column, "combine_chunks") else column
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
