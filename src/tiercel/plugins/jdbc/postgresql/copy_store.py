"""``STORE`` at ``COPY`` speed: the query's rows read through ``COPY (query) TO STDOUT`` in
CSV, and written as Ion lines a block of rows and a column at a time on the client.

The server sends the rows as ``COPY`` of the plain query does (the physical limit here); the
client turns them into Ion with pyarrow (``copy_columns``) in two more threads, so reading and
converting overlap. Each ``COPY`` data message is one row, so blocks end on row boundaries.
What pyarrow is not installed for, or a result this path does not cover (no column, repeated
names), goes to ``ion_copy``, where the server writes each line.
"""

import importlib
import select
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from tiercel.plugins.jdbc.postgresql import copy_columns, ion_copy
from tiercel.plugins.jdbc.postgresql.copy_columns import Kind
from tiercel.sdk import ion, ion_columns

BLOCK = 256 << 10
"""Bytes of CSV rows converted at a time (about 2,000 rows of ten columns): larger blocks
cost a little less time and much more memory (measured on a million rows with two
converting threads: 256 KB blocks peaked at 140 MB, 512 KB at 155 MB, 4 MB at over 220)."""

_DESCRIBE = """
SELECT t.oid::int, t.typcategory::text, EXISTS (
    SELECT 1 FROM pg_cast c
    WHERE c.castsource = t.oid AND c.casttarget = 'text'::regtype AND c.castmethod = 'f')
FROM pg_type t WHERE t.oid = ANY(%s)
"""


def store(connection: Any, sql: str, values: Any, zone_id: str, path: Path) -> int | None:
    """Run the query and write its rows as Ion lines into ``path``; the row count, or None
    when the statement is not a query this way covers (the caller then runs it itself)."""
    if not ion_columns.available():
        return ion_copy.store(connection, sql, values, zone_id, path)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM ({sql}) AS q LIMIT 0", values)
        columns = [(column.name, column.type_code) for column in cursor.description]
        cursor.fetchall()
        names = [name for name, _ in columns]
        if not names or len(set(names)) != len(names):
            return ion_copy.store(connection, sql, values, zone_id, path)
        cursor.execute(_DESCRIBE, [sorted({oid for _, oid in columns})])
        types = {int(oid): (str(category), bool(cast)) for oid, category, cast in cursor.fetchall()}
        kinds: list[Kind | None] = []
        selected = []
        for index, (name, oid) in enumerate(columns):
            category, cast = types.get(oid, ("", False))
            kind = copy_columns.kind_of(oid, category, cast)
            kinds.append(kind)
            column = "q." + ion_copy.quoted_name(name)
            if kind is None:  # the server writes the Ion value (null stays null)
                value, _ = ion_copy.expression(f"{column}::text", column, oid, category)
                selected.append(f"{value} AS v{index}")
            else:
                selected.append(f"{column} AS v{index}")
        listed = ", ".join(selected)
        if values is not None:
            listed = listed.replace("%", "%%")  # the statement is bound client-side
        copy_sql = f"COPY (SELECT {listed} FROM ({sql}) AS q) TO STDOUT WITH (FORMAT csv)"
        writer = _Writer(names, kinds)
        cursor.execute(f"SET LOCAL TIME ZONE {ion_copy.literal(zone_id)}")
        cursor.execute("SET LOCAL IntervalStyle = 'iso_8601'")
        cursor.execute("SET LOCAL DateStyle = 'ISO, YMD'")
        cursor.execute("SET LOCAL client_encoding = 'UTF8'")
        with path.open("wb") as out:
            rows = _copy(cursor, copy_sql, values, writer, out)
        # Back to the session's settings, which psycopg's loaders expect, for what the
        # transaction runs next (afterSQL).
        for setting in ("TIME ZONE DEFAULT", "IntervalStyle TO DEFAULT", "DateStyle TO DEFAULT",
                        "client_encoding TO DEFAULT"):  # fmt: skip
            cursor.execute(f"SET LOCAL {setting}")
        return rows


def _copy(cursor: Any, copy_sql: str, values: Any, writer: "_Writer", out: IO[bytes]) -> int:
    """Read the ``COPY`` rows in blocks, converted by two threads side by side and written
    in order; the row count the server gives."""
    counted: list[int] = []
    with cursor.copy(copy_sql, values):
        for _, text in ion_columns.in_order(writer.lines, _blocks(cursor.connection, counted)):
            out.write(text)
    return counted[0]


def _blocks(connection: Any, counted: list[int]) -> Iterator[bytearray]:
    """The ``COPY`` data messages (one row each), gathered into blocks of ``BLOCK`` bytes;
    the server's row count is appended to ``counted`` at the end.

    psycopg reads one row per call through its generators; here libpq is asked directly
    (without waiting), and the socket waited on when it has nothing yet, which costs a third
    of the time per row.
    """
    pgconn = connection.pgconn
    get = pgconn.get_copy_data
    block = bytearray()
    while True:
        size, data = get(1)
        if size > 0:
            block += data
            if len(block) >= BLOCK:
                yield block
                block = bytearray()
        elif size == 0:
            select.select([pgconn.socket], [], [])
            pgconn.consume_input()
        else:
            break
    if block:
        yield block
    errors = importlib.import_module("psycopg.errors")
    rows = 0
    while (result := pgconn.get_result()) is not None:
        if result.error_message:
            raise errors.error_from_result(result, encoding=connection.info.encoding)
        rows = result.command_tuples or 0
    counted.append(rows)


class _Writer:
    """Blocks of COPY's CSV rows as Ion lines, for one result's columns."""

    def __init__(self, names: list[str], kinds: list[Kind | None]) -> None:
        self.names = [f"v{index}" for index in range(len(names))]
        self.kinds = [Kind.RAW if kind is None else kind for kind in kinds]
        self.fields = [ion.field_name(name) for name in names]
        self.options: dict[bool, tuple[Any, Any, Any]] = {}

    def lines(self, block: bytes | bytearray) -> Any:
        """The Ion lines of a block of whole CSV rows, as one buffer."""
        pa, pc = ion_columns.modules()
        table = self._parse(pa, block)
        texts = []
        pieces = []
        before = "{"
        for column, kind, field in zip(table.columns, self.kinds, self.fields, strict=True):
            text = copy_columns.convert(kind, column.combine_chunks())
            # A string column's quotes go in the constant pieces around it, unless it has
            # nulls in this block: then around each of its values.
            quote = '"' if copy_columns.quoted(kind) else ""
            if text.null_count:
                if quote:
                    text = pc.binary_join_element_wise(quote, text, quote, "")
                    quote = ""
                text = pc.fill_null(text, "null")
            texts.append(text)
            pieces.append(before + field + ":" + quote)
            before = quote + ","
        pieces.append(before[:-1] + "}\n")
        return ion_columns.join_rows(pieces, texts)

    def _parse(self, pa: Any, block: bytes | bytearray) -> Any:
        pcsv = importlib.import_module("pyarrow.csv")
        # Without a quote in the block no value is quoted: no empty string (COPY quotes it),
        # no line break inside a value, and the simpler parser applies.
        plain = b'"' not in block
        if plain not in self.options:
            types = {
                name: pa.bool_() if kind is Kind.BOOL else pa.string()
                for name, kind in zip(self.names, self.kinds, strict=True)
            }
            self.options[plain] = (
                pcsv.ReadOptions(column_names=self.names, use_threads=False),
                pcsv.ParseOptions(quote_char=False if plain else '"', newlines_in_values=not plain),
                pcsv.ConvertOptions(
                    column_types=types, null_values=[""], true_values=["t"], false_values=["f"],
                    strings_can_be_null=True, quoted_strings_can_be_null=False, check_utf8=False,
                ),
            )  # fmt: skip
        read, parse, convert = self.options[plain]
        if read.block_size <= len(block):  # one block of the reader: rows may be long
            read = pcsv.ReadOptions(
                column_names=self.names, use_threads=False, block_size=len(block) + 1
            )
        return pcsv.read_csv(
            pa.py_buffer(block), read_options=read, parse_options=parse, convert_options=convert
        )
