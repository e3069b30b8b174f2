"""``IonToCsv``'s fast path, for blocks of records that are all structs of strings and nulls
with the first record's fields in order (what ``CsvToIon`` and most text sources write).

Such a block is Ion text that pyarrow's C++ CSV reader can read once the field names are
taken out: ``{id:"1",name:"a \\"b\\""}`` becomes ``"1","a \\"b\\""`` (``\\`` the escape
character, ``null`` unquoted a null). The CSV text is then built a column at a time
(``columns.join_rows``). Every block is checked first; one that is anything else (another
type, another shape, an Ion escape other than ``\\"`` and ``\\\\``...) goes through the Python
path, line by line, so the output is the same bytes either way.
"""

import re
from collections.abc import Iterator
from typing import IO, Any

from tiercel.plugins.serdes import columns
from tiercel.sdk import ion

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
        prefixes = [
            ("{" if index == 0 else ",") + ion.field_name(name) + ":"
            for index, name in enumerate(names)
        ]
        self.prefixes = [prefix.encode() for prefix in prefixes]
        # What follows a null: the next field, or the end of the struct.
        self.null_ends = [b"null," for _ in names[:-1]] + [b"null}"]
        self.quote = quote
        self.always = always
        self.special = sorted({separator, quote, *line})
        between = quote + separator + quote if always else separator
        edge = quote if always else ""
        self.pieces = [edge] + [between] * (self.width - 1) + [edge + line]

    def convert(self, block: bytes) -> bytes | None:
        """The block's records as CSV lines, or None when the block needs the Python path."""
        if self.width < 2 or b"\r" in block or b"\n\n" in block or block.startswith(b"\n"):
            return None  # one-column rows, CR line ends, blank lines: the Python path
        lines = block.count(b"\n")
        for prefix, null_end in zip(self.prefixes, self.null_ends, strict=True):
            if block.count(prefix + b'"') + block.count(prefix + null_end) != lines:
                return None
        if b"\\" in block and _OTHER_ESCAPE.search(block.replace(b"\\\\", b"")) is not None:
            return None
        # The counts above leave no room for these sequences inside a value: in a string, a
        # double quote is escaped unless it closes it, and a null is no string.
        text = block
        for index, (prefix, null_end) in enumerate(zip(self.prefixes, self.null_ends, strict=True)):
            comma = b"," if index else b""
            text = text.replace(prefix + b'"', comma + b'"').replace(
                prefix + null_end, comma + null_end
            )
        text = text.replace(b"}\n", b"\n")
        table = self._parse(text)
        if table is None or table.num_rows != lines:
            return None
        return self._write(table).to_pybytes()

    def _parse(self, text: bytes) -> Any:
        pa, _ = columns.modules()
        import pyarrow.csv as pcsv

        names = [f"c{index}" for index in range(self.width)]
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

    def _write(self, table: Any) -> Any:
        _, pc = columns.modules()
        quote = self.quote
        cells = []
        for column in table.columns:
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
