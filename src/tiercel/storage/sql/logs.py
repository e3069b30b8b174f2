"""``SqlLogStore``: log lines in the ``log_entries`` table, in append order, counted by time
in ``log_counts`` in the same transactions (see ``tiercel.storage.sql.log_counts``)."""

import logging
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from sqlalchemy import BigInteger, ColumnElement, Connection, Row, delete, func, insert, select
from sqlalchemy.sql.expression import type_coerce

from tiercel.model.task import LogLevel
from tiercel.storage.paging import Page, Sort, check_page
from tiercel.storage.ports import LogStore
from tiercel.storage.records import LogEntry, LogQuery, levels_at_least
from tiercel.storage.sql import log_counts
from tiercel.storage.sql.database import Database
from tiercel.storage.sql.prepared import Prepared
from tiercel.storage.sql.schema import log_entries as logs
from tiercel.storage.sql.schema import to_micros
from tiercel.storage.sql.search import (
    clean,
    contains,
    in_namespace,
    order_by,
    page_keys,
    reads_in_order,
)

_log = logging.getLogger(__name__)


class SqlLogStore:
    """The ``LogStore`` port on a ``Database``."""

    def __init__(self, db: Database) -> None:
        """Store log lines in ``db``.

        Args:
            db: An open, migrated database.
        """
        self._db = db
        self._insert = Prepared(db.engine, insert(logs), _COLUMNS)
        self._count = Prepared(db.engine, log_counts.upsert(db.dialect))

    def append(self, entries: Iterable[LogEntry]) -> None:
        """Store a batch of lines in one transaction, in the given order."""
        rows = [_stored_row(entry) for entry in entries]
        if not rows:
            return
        seconds = log_counts.by_second(row["timestamp"] for row in rows)
        counts = log_counts.count_rows(seconds, self._db.dialect)
        # Prepared statements on the driver's cursor: a worker waits for its task's lines to
        # be written before it reports, so this runs about once per task run. One
        # executemany: the ids, which give the read order, follow the list order.
        with self._db.write_cursor() as cursor:
            self._insert.run(cursor, rows)
            self._count.run(cursor, counts)

    def find(self, query: LogQuery, *, offset: int = 0, limit: int | None = None) -> list[LogEntry]:
        """The lines matching ``query``, oldest appended first."""
        if offset < 0 or (limit is not None and limit < 0):
            raise ValueError(f"offset and limit must not be negative: {offset}, {limit}")
        statement = select(logs).where(*_filters(query, self._db.dialect)).order_by(*_order(query))
        statement = statement.offset(offset)
        if limit is not None:
            statement = statement.limit(limit)
        with self._db.read() as conn:
            return [_entry(row) for row in conn.execute(statement)]

    def search(
        self, query: LogQuery, page: int, size: int, sort: Sequence[Sort] = ()
    ) -> Page[LogEntry]:
        """A page of the lines matching ``query``, newest first unless ``sort`` says otherwise
        (``query.order`` is not used)."""
        offset = check_page(page, size)
        order = order_by(sort, _SORTS, _DEFAULT_SORT, [logs.c.id])
        in_order = reads_in_order(self._db.dialect, sort, _DEFAULT_SORT, "timestamp")
        matching = select(logs.c.id).where(*_filters(query, self._db.dialect, in_order=in_order))
        counted = _unfiltered(query)
        # The summary and the lines it counts must be read as of one instant.
        with self._db.read(snapshot=counted) as conn:
            found = None
            if counted:
                descending = (list(sort) or list(_DEFAULT_SORT))[0].descending
                found = _counted_page(conn, offset, size, descending)
            if found is not None:
                ids, total, exact = found
            else:
                keys, total, exact = page_keys(conn, matching, order, offset, size)
                ids = [key.id for key in keys]
            # The page's ids came from the indexes; now only its lines are read.
            by_id = {row.id: row for row in conn.execute(select(logs).where(logs.c.id.in_(ids)))}
        return Page([_entry(by_id[line]) for line in ids if line in by_id], total, exact)

    def count(self, query: LogQuery) -> int:
        """How many lines match ``query``."""
        statement = select(func.count()).select_from(logs).where(*_filters(query, self._db.dialect))
        with self._db.read() as conn:
            return int(conn.execute(statement).scalar_one())

    def delete_by_execution(self, execution_id: str) -> int:
        """Delete every line of an execution; tell how many there were."""
        stamp = type_coerce(logs.c.timestamp, BigInteger)
        whose = logs.c.execution_id == execution_id
        with self._db.write() as conn:
            if conn.dialect.name == "postgresql":
                # Counted from what the DELETE removed: a line a worker adds meanwhile is
                # either deleted and counted, or neither.
                gone = delete(logs).where(whose).returning(stamp.label("stamp")).cte("gone")
                second = log_counts.floor_div(gone.c.stamp, log_counts.SECOND)
                counts = _seconds(conn, select(second, func.count()).group_by(second))
            else:
                # SQLite's write transaction excludes every other writer from here to the end.
                second = log_counts.floor_div(stamp, log_counts.SECOND)
                counted = select(second, func.count()).where(whose).group_by(second)
                counts = _seconds(conn, counted)
                conn.execute(delete(logs).where(whose))
            log_counts.remove(conn, counts)
            return counts.total()


def _counted_page(
    conn: Connection, offset: int, size: int, descending: bool
) -> tuple[list[int], int, bool] | None:
    """The ids of the page at ``offset`` of every line sorted by time, and their exact number,
    found through the summary: the time index is read from the second holding the page's
    first line, not from the start of the list."""
    try:
        total, position = log_counts.locate(conn, offset, descending=descending)
    except LookupError:
        # Only a summary edited by hand disagrees with itself: the page is still right, only
        # slower, read by walking the time index.
        _log.warning("log_counts does not add up: this page of logs walks the time index")
        return None
    if position is None:
        return [], total, True
    stamp = type_coerce(logs.c.timestamp, BigInteger)
    if descending:
        page = select(logs.c.id).where(stamp < position.edge)
        page = page.order_by(logs.c.timestamp.desc(), logs.c.id.desc())
    else:
        page = select(logs.c.id).where(stamp >= position.edge)
        page = page.order_by(logs.c.timestamp, logs.c.id)
    ids = conn.execute(page.offset(position.skip).limit(size)).scalars().all()
    return list(ids), total, True


def _unfiltered(query: LogQuery) -> bool:
    # ``order`` is not used by a search, and an empty text does not filter.
    return replace(query, order="appended", text=query.text or None) == LogQuery()


def _seconds(conn: Connection, statement: Any) -> Counter[int]:
    return Counter({int(second): int(lines) for second, lines in conn.execute(statement)})


def _filters(query: LogQuery, dialect: str, *, in_order: bool = False) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if query.execution_id is not None:
        conditions.append(logs.c.execution_id == clean(query.execution_id))
    if query.task_run_id is not None:
        conditions.append(logs.c.task_run_id == clean(query.task_run_id))
    if query.task_id is not None:
        conditions.append(logs.c.task_id == clean(query.task_id))
    if query.min_level is not None:
        # Levels are stored by name; an IN list keeps the column plain text on every database.
        levels = [level.value for level in levels_at_least(query.min_level)]
        conditions.append(logs.c.level.in_(levels))
    if query.namespace is not None:
        # Tested on the time index read in order, unless a flow narrows it to its own index.
        tested = in_order and query.flow_id is None
        conditions.append(in_namespace(logs.c.namespace, query.namespace, tested_in_order=tested))
    if query.flow_id is not None:
        conditions.append(logs.c.flow_id == clean(query.flow_id))
    if query.trigger_id is not None:
        conditions.append(logs.c.trigger_id == clean(query.trigger_id))
    if query.text:
        columns = [
            logs.c.message,
            logs.c.namespace,
            logs.c.flow_id,
            logs.c.task_id,
            logs.c.execution_id,
            logs.c.task_run_id,
            logs.c.trigger_id,
        ]
        conditions.append(contains(dialect, columns, query.text))
    if query.start is not None:
        conditions.append(logs.c.timestamp >= query.start)
    if query.end is not None:
        conditions.append(logs.c.timestamp <= query.end)
    return conditions


_SORTS: dict[str, ColumnElement[Any]] = {"timestamp": logs.c.timestamp}
"""The fields log lines sort by (Kestra's log search sorts by time)."""

_DEFAULT_SORT = (Sort("timestamp", descending=True),)


def _order(query: LogQuery) -> tuple[Any, ...]:
    # The id breaks ties between lines stamped at the same instant, in the same direction.
    if query.order == "newest":
        return logs.c.timestamp.desc(), logs.c.id.desc()
    if query.order == "oldest":
        return logs.c.timestamp, logs.c.id
    return (logs.c.id,)


_COLUMNS = (
    "namespace",
    "flow_id",
    "task_id",
    "execution_id",
    "task_run_id",
    "attempt_number",
    "trigger_id",
    "timestamp",
    "level",
    "thread",
    "message",
)
"""The columns a line is stored with (``id`` is the database's)."""


def _stored_row(entry: LogEntry) -> dict[str, Any]:
    """A line's values as the driver takes them: what the columns' types would convert
    (``UtcMicros``, ``NulFreeText``) converted here."""
    thread = entry.thread
    return {
        "namespace": entry.namespace,
        "flow_id": entry.flow_id,
        "task_id": entry.task_id,
        "execution_id": entry.execution_id,
        "task_run_id": entry.task_run_id,
        "attempt_number": entry.attempt_number,
        "trigger_id": entry.trigger_id,
        "timestamp": to_micros(entry.timestamp),
        "level": entry.level.value,
        "thread": None if thread is None else thread.replace("\x00", "\ufffd"),
        "message": entry.message.replace("\x00", "\ufffd"),
    }


def _entry(row: Row[Any]) -> LogEntry:
    return LogEntry(
        namespace=row.namespace,
        flow_id=row.flow_id,
        timestamp=row.timestamp,
        level=LogLevel(row.level),
        message=row.message,
        task_id=row.task_id,
        execution_id=row.execution_id,
        task_run_id=row.task_run_id,
        attempt_number=row.attempt_number,
        trigger_id=row.trigger_id,
        thread=row.thread,
    )


if TYPE_CHECKING:
    # mypy proves here that the adapter implements its port.
    _conforms: type[LogStore] = SqlLogStore
