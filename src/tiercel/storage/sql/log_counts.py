"""How many log lines each span of time holds: the summary that finds a page deep in the
time-ordered list of log lines without walking the time index up to it.

``log_counts`` counts the lines of each second, minute, hour and day (``SPANS``, in
microseconds; a bucket is the timestamp floor-divided by its span). Every write of
``log_entries`` updates it in the same transaction, so it is always exact. A page at offset N
of the lines sorted by time (newest or oldest first) is then found from the top: the days'
counts, summed in the sort's direction, name the day holding line N; that day's hours name
the hour, and so on down to one second; the page is read from the time index starting at that
second's edge, skipping only the lines of that second before line N. The cost is a few dozen
summary rows and the lines of one second, whatever N is.

Buckets are ranges of timestamps, so lines with equal timestamps (whose order the id breaks)
never straddle two buckets, and a line written late lands in the bucket of its own timestamp.

On PostgreSQL, concurrent writers would queue on the current second's row (a row lock held to
commit), so each connection adds its lines to its own shard of each bucket (its backend pid
modulo ``SHARDS``) and readers add the shards up. A delete folds the shards of each bucket it
touches back into one row, or none when it empties the bucket, so purging old lines shrinks the
summary too. SQLite has a single writer and one shard.
"""

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from sqlalchemy import (
    BigInteger,
    Connection,
    Integer,
    Select,
    bindparam,
    func,
    literal_column,
    select,
    tuple_,
)

from tiercel.storage.sql import dialects
from tiercel.storage.sql.schema import log_counts

SECOND = 1_000_000
"""The finest span, in microseconds: a deep page skips at most one second's lines."""

SPANS = (86_400 * SECOND, 3_600 * SECOND, 60 * SECOND, SECOND)
"""The bucket widths, coarsest first; each divides the one before it."""

SHARDS = 8
"""Rows per bucket on PostgreSQL, one per group of writers."""

_CHUNK = 500
"""Buckets locked per statement by a delete (two bound parameters each)."""


@dataclass(frozen=True, slots=True)
class Position:
    """Where the line at an offset of the time-ordered list stands.

    Attributes:
        edge: The timestamp (microseconds) where the line's second starts reading: the end of
            the second (excluded) newest first, its start (included) oldest first.
        skip: How many lines of that second come before the line, in the sort's order.
    """

    edge: int
    skip: int


def floor_div(value: Any, divisor: int) -> Any:
    """``value // divisor`` in SQL, rounding down for negative values too (SQL's ``/`` on
    integers truncates towards zero), as Python's ``//`` does."""
    remainder = ((value % divisor) + divisor) % divisor
    return (value - remainder) / divisor


def by_second(timestamps: Iterable[int]) -> Counter[int]:
    """How many of ``timestamps`` (microseconds) fall in each second."""
    return Counter(stamp // SECOND for stamp in timestamps)


def add(conn: Connection, seconds: Counter[int]) -> None:
    """Count lines (by second) into every level of the summary, inside the caller's write
    transaction."""
    rows = count_rows(seconds, conn.dialect.name)
    if rows:
        conn.execute(upsert(conn.dialect.name), rows)


def count_rows(seconds: Counter[int], dialect: str) -> list[dict[str, int]]:
    """The parameters of ``upsert`` that count lines (by second) into every level of the
    summary, one row each, in the order every writer takes (see ``remove``)."""
    keys = _keys(seconds)
    rows = [{"span": span, "bucket": bucket, "lines": keys[span, bucket]} for span, bucket in keys]
    if dialect == "postgresql":
        rows = [row | {"shards": SHARDS} for row in rows]
    return rows


def remove(conn: Connection, seconds: Counter[int]) -> None:
    """Take deleted lines (by second) out of every level of the summary, inside the caller's
    write transaction, folding each bucket touched into one row (none when emptied), so that
    purging old lines also shrinks the summary.

    Every transaction locks summary rows in one order, (span, bucket, shard): a writer
    upserts its own shard's rows in that order; this locks every shard's rows of its buckets
    in that order (``FOR UPDATE``) before changing only those. Two transactions never wait
    for each other in a cycle, so they cannot deadlock.
    """
    keys = _keys(seconds)
    if not keys:
        return
    key = tuple_(log_counts.c.span, log_counts.c.bucket)
    order = (log_counts.c.span, log_counts.c.bucket, log_counts.c.shard)
    wanted = list(keys)
    found: dict[tuple[int, int], list[tuple[int, int]]] = {}
    for start in range(0, len(wanted), _CHUNK):
        locked = (
            select(*order, log_counts.c.lines)
            .where(key.in_(wanted[start : start + _CHUNK]))
            .order_by(*order)
            .with_for_update()
        )
        for span, bucket, shard, lines in conn.execute(locked):
            found.setdefault((int(span), int(bucket)), []).append((int(shard), int(lines)))
    drop: list[dict[str, int]] = []
    keep: list[dict[str, int]] = []
    for (span, bucket), shards in found.items():
        left = sum(lines for _, lines in shards) - keys[span, bucket]
        rest = shards
        if left:
            (shard, _), *rest = shards
            keep.append(
                {"at_span": span, "at_bucket": bucket, "at_shard": shard, "new_lines": left}
            )
        drop.extend({"at_span": span, "at_bucket": bucket, "at_shard": shard} for shard, _ in rest)
    if keep:
        conn.execute(_SET_LINES, keep)
    if drop:
        conn.execute(_DROP, drop)


def _keys(seconds: Counter[int]) -> dict[tuple[int, int], int]:
    """Lines by (span, bucket) at every level, sorted, from lines by second."""
    keys: Counter[tuple[int, int]] = Counter()
    for second, lines in seconds.items():
        for span in SPANS:
            keys[(span, second * SECOND // span)] += lines
    return {key: lines for key, lines in sorted(keys.items()) if lines}


_UPSERTS: dict[str, Any] = {}
"""The upsert of a row of counts, per dialect: one compiled statement run for many rows."""


def upsert(dialect: str) -> Any:
    """The statement that adds a row of ``count_rows`` to the summary on ``dialect``."""
    statement = _UPSERTS.get(dialect)
    if statement is None:
        # PostgreSQL: a shard per connection, so that writers do not queue on one row.
        shard = (
            func.pg_backend_pid() % bindparam("shards", type_=Integer)
            if dialect == "postgresql"
            else literal_column("0", Integer)  # in the SQL: no parameter to bind
        )
        upsert = dialects.insert(dialect, log_counts).values(
            span=bindparam("span", type_=BigInteger),
            bucket=bindparam("bucket", type_=BigInteger),
            shard=shard,
            lines=bindparam("lines", type_=BigInteger),
        )
        statement = upsert.on_conflict_do_update(
            index_elements=[log_counts.c.span, log_counts.c.bucket, log_counts.c.shard],
            set_={"lines": log_counts.c.lines + upsert.excluded.lines},
        )
        _UPSERTS[dialect] = statement
    return statement


def _one_row() -> Any:
    # Parameter names other than the columns': UPDATE reserves those for its SET clause.
    return (
        log_counts.c.span == bindparam("at_span", type_=BigInteger),
        log_counts.c.bucket == bindparam("at_bucket", type_=BigInteger),
        log_counts.c.shard == bindparam("at_shard", type_=Integer),
    )


_SET_LINES = (
    log_counts.update().where(*_one_row()).values(lines=bindparam("new_lines", type_=BigInteger))
)
_DROP = log_counts.delete().where(*_one_row())


def locate(conn: Connection, offset: int, *, descending: bool) -> tuple[int, Position | None]:
    """The number of lines, and where the line at ``offset`` (from 0) of the list sorted by
    timestamp then id, ``descending`` or not, stands; None past the end."""
    top = _buckets(conn, SPANS[0], None, descending)
    count = sum(lines for _, lines in top)
    if offset >= count:
        return count, None
    bucket, skip = _walk(top, offset)
    for parent, span in pairwise(SPANS):
        ratio = parent // span
        bucket, skip = _walk(
            _buckets(conn, span, (bucket * ratio, (bucket + 1) * ratio), descending), skip
        )
    edge = (bucket + 1) * SECOND if descending else bucket * SECOND
    return count, Position(edge, skip)


def _level_statements() -> dict[tuple[bool, bool], Select[Any]]:
    """The read of one level's buckets, by (within a range, descending): built once, as the
    reads of a deep page run them four times each."""
    summed = func.sum(log_counts.c.lines)
    statements: dict[tuple[bool, bool], Select[Any]] = {}
    for within in (False, True):
        statement = select(log_counts.c.bucket, summed).where(
            log_counts.c.span == bindparam("span", type_=BigInteger)
        )
        if within:
            statement = statement.where(
                log_counts.c.bucket >= bindparam("low", type_=BigInteger),
                log_counts.c.bucket < bindparam("high", type_=BigInteger),
            )
        statement = statement.group_by(log_counts.c.bucket).having(summed != 0)
        for descending in (False, True):
            order = log_counts.c.bucket.desc() if descending else log_counts.c.bucket.asc()
            statements[(within, descending)] = statement.order_by(order)
    return statements


_LEVELS = _level_statements()


def _buckets(
    conn: Connection, span: int, within: tuple[int, int] | None, descending: bool
) -> list[tuple[int, int]]:
    """(bucket, lines) of one level, shards added up, in the sort's order; empty ones left
    out."""
    parameters = {"span": span}
    if within is not None:
        parameters.update(low=within[0], high=within[1])
    rows = conn.execute(_LEVELS[(within is not None, descending)], parameters)
    return [(int(bucket), int(lines)) for bucket, lines in rows]


def _walk(buckets: Sequence[tuple[int, int]], offset: int) -> tuple[int, int]:
    """The bucket holding the line at ``offset`` of ``buckets`` (in order), and the offset of
    that line within it."""
    for bucket, lines in buckets:
        if offset < lines:
            return bucket, offset
        offset -= lines
    # The levels disagree with each other: only a summary edited by hand comes here.
    raise LookupError("the log line summary is inconsistent: its levels count different lines")
