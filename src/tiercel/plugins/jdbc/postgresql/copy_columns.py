"""Ion values from the text ``COPY ... TO STDOUT (FORMAT csv)`` gives, a column at a time.

Each column of a block of rows, read by pyarrow's CSV reader, becomes a column of Ion text
with pyarrow's compute kernels: no Python step per value. Each rule is the SQL expression of
``ion_copy`` (the path where the server writes the lines) done on the client, so both paths
write the same bytes; the server keeps only the types whose text needs its functions (bytea,
arrays, and types whose cast to text is not their output text).
"""

from enum import Enum
from typing import Any

from tiercel.sdk import ion_columns

_END = 1 << 30  # a slice end past any value


class Kind(Enum):
    """How a column's COPY text becomes Ion text."""

    RAW = "raw"  # integers, JSON, and values the server already wrote as Ion
    BOOL = "bool"  # read by pyarrow as booleans (t/f), written true/false
    NUMERIC = "numeric"
    FLOAT = "float"
    DATE = "date"
    TIMESTAMP = "timestamp"
    TIMESTAMPTZ = "timestamptz"
    TEXT = "text"  # an Ion string of the text (the quotes are in the line's pieces)
    BPCHAR = "bpchar"  # char(n): its text without the padding, as a string


_INTEGERS = {20, 21, 23, 26}  # int8, int2, int4, oid
_BY_OID = {
    16: Kind.BOOL,
    114: Kind.RAW,
    3802: Kind.RAW,
    1700: Kind.NUMERIC,
    700: Kind.FLOAT,
    701: Kind.FLOAT,
    1082: Kind.DATE,
    1114: Kind.TIMESTAMP,
    1184: Kind.TIMESTAMPTZ,
    19: Kind.TEXT,  # name: its cast to text is its output text
    1042: Kind.BPCHAR,
}


def kind_of(oid: int, category: str, cast_by_function: bool) -> Kind | None:
    """The client-side rule for a column type; None when the server must write the value
    (bytea, arrays, and types whose cast to text differs from their output text)."""
    if oid in _INTEGERS:
        return Kind.RAW
    known = _BY_OID.get(oid)
    if known is not None:
        return known
    if oid == 17 or category == "A" or cast_by_function:
        return None
    return Kind.TEXT


def quoted(kind: Kind) -> bool:
    """Whether the line's pieces hold the quotes around this column's values."""
    return kind in (Kind.TEXT, Kind.BPCHAR)


def convert(kind: Kind, column: Any) -> Any:
    """The column (a pyarrow array) as Ion text; nulls stay null."""
    _, pc = ion_columns.modules()
    if kind is Kind.RAW:
        return column
    if kind is Kind.BOOL:
        return pc.cast(column, "string")
    if kind is Kind.TEXT:
        return ion_columns.escape_for_ion(column)
    if kind is Kind.BPCHAR:
        return ion_columns.escape_for_ion(pc.utf8_rtrim(column, characters=" "))
    if kind is Kind.NUMERIC:
        return _numeric(column)
    if kind is Kind.FLOAT:
        return _float(column)
    return _temporal(kind, column)


def _string(column: Any) -> Any:
    """The values as Ion strings, quotes included (``to_json(text)``)."""
    _, pc = ion_columns.modules()
    return pc.binary_join_element_wise('"', ion_columns.escape_for_ion(column), '"', "")


def _numeric(column: Any) -> Any:
    # CASE WHEN strpos(t, '.') > 0 THEN t WHEN t IN ('NaN', 'Infinity', '-Infinity')
    # THEN '"' || t || '"' ELSE t || '.' END
    pa, pc = ion_columns.modules()
    has_point = pc.match_substring(column, ".")
    if pc.all(has_point).as_py() is not False:
        return column
    result = pc.if_else(has_point, column, pc.binary_join_element_wise(column, ".", ""))
    data = ion_columns.text_bytes(column)
    if b"N" in data or b"I" in data:
        special = pc.is_in(column, value_set=pa.array(["NaN", "Infinity", "-Infinity"]))
        result = pc.if_else(special, _string(column), result)
    return result


def _float(column: Any) -> Any:
    # CASE WHEN strpos(t, 'e') > 0 THEN t WHEN t = 'NaN' THEN 'nan' WHEN t = 'Infinity'
    # THEN '+inf' WHEN t = '-Infinity' THEN '-inf' ELSE t || 'e0' END
    pa, pc = ion_columns.modules()
    data = ion_columns.text_bytes(column)
    result = pc.binary_join_element_wise(column, "e0", "")
    if b"e" in data:
        result = pc.if_else(pc.match_substring(column, "e"), column, result)
    if b"N" in data or b"I" in data:
        for text, ion_text in (("NaN", "nan"), ("Infinity", "+inf"), ("-Infinity", "-inf")):
            result = pc.if_else(pc.equal(column, text), pa.scalar(ion_text), result)
    return result


def _at(pc: Any, column: Any, start: int, character: str) -> Any:
    """Whether each value has ``character`` at byte ``start`` (negative: from the end)."""
    sliced = pc.binary_slice(column.cast("binary"), start, start + 1 if start != -1 else _END)
    return pc.equal(sliced, character.encode())


def _temporal(kind: Kind, column: Any) -> Any:
    # ISO text (DateStyle ISO) such as "2024-01-01 10:00:00.5+01"; BC dates, infinities and
    # years past 9999 do not have this shape and are written as strings.
    _, pc = ion_columns.modules()
    dash = _at(pc, column, 4, "-") if kind is Kind.DATE else _at(pc, column, 10, " ")
    shaped = pc.and_not(dash, pc.ends_with(column, "BC"))
    if kind is Kind.DATE:
        value = column
    else:
        iso = pc.binary_replace_slice(column, 10, 11, "T")
        if kind is Kind.TIMESTAMP:  # without zone: Ion's unknown offset
            value = pc.binary_join_element_wise(iso, "-00:00", "")
        else:
            # UTC written Z; an hour offset (+01) given its minutes; any other kept
            utc = pc.ends_with(column, "+00")
            value = pc.binary_replace_slice(iso, -3, _END, "Z")
            if pc.all(utc).as_py() is False:
                hours = pc.or_(_at(pc, column, -3, "+"), _at(pc, column, -3, "-"))
                other = pc.if_else(hours, pc.binary_join_element_wise(iso, ":00", ""), iso)
                value = pc.if_else(utc, value, other)
    if pc.all(shaped).as_py() is False:
        value = pc.if_else(shaped, value, _string(column))
    return value
