"""What the paged searches of every SQL store share: conditions an index can serve, sorts
named in Kestra's vocabulary, and counting with a bounded cost."""

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Row,
    Select,
    String,
    func,
    literal,
    literal_column,
    select,
)

from tiercel.storage.paging import COUNT_AHEAD, MAX_OFFSET, InvalidSearchError, Sort


def clean(value: str) -> str:
    """A text compared with stored text: NUL as the stores keep it (see ``NulFreeText``), so
    that PostgreSQL, whose text cannot hold NUL, compares instead of failing."""
    return value.replace("\x00", "\ufffd")


def in_namespace(
    column: ColumnElement[str], namespace: str, *, tested_in_order: bool = False
) -> ColumnElement[bool]:
    """``namespace`` or a namespace under it (``a.b`` matches ``a.b.c``, not ``a.bc``).

    Written as an index range: ``/`` is the character after ``.``, so the namespaces under
    ``a.b`` are those from ``a.b.`` (included) to ``a.b/`` (excluded). That compares bytes,
    which SQLite does and the "C" collation migration 6 gives PostgreSQL's columns does.

    With ``tested_in_order``, the range is kept from driving the namespace index (``col ||
    ''``, SQLite's way of saying so): it is then tested on each entry of the index that reads
    in the sort's order. SQLite's planner, which cannot tell how many rows a range holds,
    otherwise reads every execution of the namespaces and sorts them all for one page.
    """
    namespace = clean(namespace)
    if tested_in_order:
        column = column.op("||")(literal_column("''"))
    # One range for the index ([a.b, a.b/) also holds a.b-x, whose "-" sorts before "."),
    # then the exact test.
    in_range = (column >= namespace) & (column < namespace + "/")
    return in_range & ((column == namespace) | (column >= namespace + "."))


def contains(dialect: str, columns: Sequence[ColumnElement[Any]], needle: str) -> Any:
    """Whether ``needle`` appears, ignoring case, in one of ``columns``.

    A substring search rather than LIKE: the text needs no escaping, and a long one is no
    pattern for SQLite to refuse as too complex; it simply matches nothing.
    """
    lowered = func.lower(literal(clean(needle), String))
    position = func.strpos if dialect == "postgresql" else func.instr
    found = [position(func.lower(column), lowered) > 0 for column in columns]
    condition = found[0]
    for other in found[1:]:
        condition = condition | other
    return condition


def reads_in_order(dialect: str, sorts: Sequence[Sort], default: Sequence[Sort], by: str) -> bool:
    """Whether a search sorted by ``sorts`` (``default`` when empty) on ``dialect`` tests a
    namespace prefix while walking its time index (see ``in_namespace``): on SQLite, when it
    sorts by ``by``, the field whose index also holds the namespace."""
    chosen = list(sorts) or list(default)
    return dialect == "sqlite" and chosen[0].field == by


def order_by(
    sorts: Sequence[Sort],
    fields: Mapping[str, ColumnElement[Any]],
    default: Sequence[Sort],
    tiebreak: Sequence[ColumnElement[Any]],
) -> list[ColumnElement[Any]]:
    """ORDER BY terms for ``sorts`` (``default`` when empty), ended by the ``tiebreak``
    columns (a unique key) in the first sort's direction, so that pages never overlap nor
    skip a row.

    Raises:
        InvalidSearchError: A field not in ``fields``.
    """
    terms: list[ColumnElement[Any]] = []
    chosen = list(sorts) or list(default)
    for sort in chosen:
        column = fields.get(sort.field)
        if column is None:
            known = ", ".join(sorted(fields))
            shown = sort.field if len(sort.field) <= 80 else sort.field[:80] + "..."
            raise InvalidSearchError(f"cannot sort by '{shown}': sort by one of {known}")
        terms.append(column.desc() if sort.descending else column.asc())
    terms.extend(c.desc() if chosen[0].descending else c.asc() for c in tiebreak)
    return terms


def page_keys(
    conn: Connection, matching: Select[Any], order: Sequence[Any], offset: int, size: int
) -> tuple[list[Row[Any]], int, bool]:
    """The keys ``matching`` selects for the page at ``offset``, with the total and whether it
    is exact.

    One read from the page's start gives the page and up to ``COUNT_AHEAD`` keys after it, so
    a deep page walks the index to its start once, for the page and its total together. Only
    a page past the end counts from the start, up to that bound.
    """
    rows: list[Row[Any]] = []
    if offset < MAX_OFFSET:
        ahead = matching.order_by(*order).offset(offset).limit(size + COUNT_AHEAD)
        rows = list(conn.execute(ahead).all())
    if rows or offset == 0:
        return rows[:size], offset + len(rows), len(rows) < size + COUNT_AHEAD
    # Past the end: fewer than ``offset`` rows match.
    limit = min(offset, COUNT_AHEAD)
    bounded = matching.order_by(None).limit(limit).subquery()
    counted = int(conn.execute(select(func.count()).select_from(bounded)).scalar_one())
    return [], counted, counted < limit or counted == offset
