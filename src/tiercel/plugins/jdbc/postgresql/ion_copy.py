"""``STORE`` at ``COPY`` speed: PostgreSQL writes each row as an Ion line itself.

Converting a million rows to Ion in Python costs several times what the server takes to send
them. For a query (``SELECT``, ``WITH``, ``VALUES``, ``TABLE``) the task therefore asks the
server for one text column per row, built from the result's column types with the server's
own functions (JSON string escaping is valid Ion, ISO timestamps are Ion timestamps), and
streams it with ``COPY ... TO STDOUT`` straight into the file. The lines are the ones the
Python path writes; the Python path remains for what this one does not cover (statements
that are not queries, duplicate column names).

``copy_store`` is the faster path where pyarrow is installed: the server only sends the
values (with this module's expressions for the few types it must write) and the client
writes the lines; this one remains for where pyarrow is not installed and as the reference
its tests compare with.
"""

from pathlib import Path
from typing import Any

from tiercel.sdk import ion

_INTEGERS = {20, 21, 23, 26}  # int8, int2, int4, oid
_TEXTS = {18, 19, 25, 1042, 1043}  # char, name, text, bpchar, varchar
_JSON = {114, 3802}
# The CSV quote and delimiter: control characters that JSON escaping never leaves raw, so
# COPY neither quotes nor escapes a line.
_COPY_OPTIONS = "FORMAT csv, DELIMITER E'\\x02', QUOTE E'\\x01'"


def expression(t: str, c: str, oid: int, category: str) -> tuple[str, bool]:
    """The SQL that writes one value as Ion text (null stays null), from the value's text
    ``t`` (computed once in an inner query) or, when the second item is False, from the value
    ``c`` itself."""
    if oid in _INTEGERS or oid in _JSON or oid == 16:  # bool's text is true/false
        return t, True
    if oid == 1700:  # numeric: an Ion decimal needs a point; NaN and infinities are text
        return (
            f"CASE WHEN strpos({t}, '.') > 0 THEN {t} "
            f"WHEN {t} IN ('NaN', 'Infinity', '-Infinity') THEN '\"' || {t} || '\"' "
            f"ELSE {t} || '.' END"
        ), True
    if oid in (700, 701):  # floats: Ion's need an exponent
        return (
            f"CASE WHEN strpos({t}, 'e') > 0 THEN {t} WHEN {t} = 'NaN' THEN 'nan' "
            f"WHEN {t} = 'Infinity' THEN '+inf' WHEN {t} = '-Infinity' THEN '-inf' "
            f"ELSE {t} || 'e0' END"
        ), True
    if oid in (1184, 1114, 1082):
        # ISO text (DateStyle ISO): "2024-01-01 10:00:00.5+01"; BC dates, infinities and
        # years past 9999 do not have this shape and are written as strings.
        text = f"to_json({t})::text"
        iso = f"overlay({t} placing 'T' from 11 for 1)"
        plain = f"right({t}, 2) <> 'BC'"
        if oid == 1082:
            return f"CASE WHEN substr({t}, 5, 1) = '-' AND {plain} THEN {t} ELSE {text} END", True
        if oid == 1114:  # without zone: Ion's unknown offset, as the codec writes
            value = f"{iso} || '-00:00'"
        else:  # the session's zone; UTC written Z, as the codec does
            value = (
                f"CASE WHEN right({t}, 3) = '+00' "
                f"THEN overlay(left({t}, -3) placing 'T' from 11 for 1) || 'Z' "
                f"WHEN substr({t}, length({t}) - 2, 1) IN ('+', '-') THEN {iso} || ':00' "
                f"ELSE {iso} END"
            )
        return f"CASE WHEN substr({t}, 11, 1) = ' ' AND {plain} THEN {value} ELSE {text} END", True
    if oid in _TEXTS:
        return f"to_json({t})::text", True
    if oid == 17:
        return f"'{{{{' || replace(encode({c}, 'base64'), E'\\n', '') || '}}}}'", False
    if category == "A":
        return f"to_json({c})::text", False
    return f"to_json({t})::text", True  # time, uuid, interval (ISO), enums...: their text


def quoted_name(name: str) -> str:
    """An SQL identifier, quoted."""
    return '"' + name.replace('"', '""') + '"'


def literal(text: str) -> str:
    """An SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def store(connection: Any, sql: str, values: Any, zone_id: str, path: Path) -> int | None:
    """Run the query and write its rows as Ion lines into ``path``; the row count, or None
    when this path does not apply (the caller then runs the query itself)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM ({sql}) AS q LIMIT 0", values)
        columns = [(column.name, column.type_code) for column in cursor.description]
        cursor.fetchall()
        names = [name for name, _ in columns]
        if len(set(names)) != len(names):
            return None
        oids = sorted({oid for _, oid in columns})
        cursor.execute("SELECT oid::int, typcategory FROM pg_type WHERE oid = ANY(%s)", [oids])
        categories = {int(oid): str(category) for oid, category in cursor.fetchall()}
        parts = []
        inner = []
        for index, (name, oid) in enumerate(columns):
            prefix = ("{" if index == 0 else ",") + ion.field_name(name) + ":"
            if values is not None:
                prefix = prefix.replace("%", "%%")  # the statement is bound client-side
            column = "q." + quoted_name(name)
            value, from_text = expression(f"v{index}", f"v{index}", oid, categories.get(oid, ""))
            inner.append(f"{column}::text AS v{index}" if from_text else f"{column} AS v{index}")
            parts.append(literal(prefix))
            parts.append(f"coalesce({value}, 'null')")
        # One variadic concat, not a chain of ||: each || copies the growing line again.
        line = f"concat({', '.join(parts)}, '}}')" if parts else "'{}'"
        listed = ", ".join(inner) or "1"
        if values is not None:
            listed = listed.replace("%", "%%")  # a column named with a %
        source = f"(SELECT {listed} FROM ({sql}) AS q) AS r"
        copy_sql = f"COPY (SELECT {line} FROM {source}) TO STDOUT WITH ({_COPY_OPTIONS})"
        cursor.execute(f"SET LOCAL TIME ZONE {literal(zone_id)}")
        cursor.execute("SET LOCAL IntervalStyle = 'iso_8601'")
        cursor.execute("SET LOCAL DateStyle = 'ISO, YMD'")
        with path.open("wb") as out, cursor.copy(copy_sql, values) as copy:
            for block in copy:
                out.write(block)
        rows: int = cursor.rowcount
        # Back to the session's settings, which psycopg's loaders expect, for what the
        # transaction runs next (afterSQL).
        cursor.execute("SET LOCAL TIME ZONE DEFAULT")
        cursor.execute("SET LOCAL IntervalStyle TO DEFAULT")
        cursor.execute("SET LOCAL DateStyle TO DEFAULT")
        return rows
