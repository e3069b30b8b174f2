"""``SqlLogStore``: log lines in the ``log_entries`` table, in append order."""

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, Row, delete, func, insert, select

from tiercel.model.task import LogLevel
from tiercel.storage.paging import Page, Sort, check_page
from tiercel.storage.ports import LogStore
from tiercel.storage.records import LogEntry, LogQuery, levels_at_least
from tiercel.storage.sql.database import Database
from tiercel.storage.sql.schema import log_entries as logs
from tiercel.storage.sql.search import (
    clean,
    contains,
    in_namespace,
    order_by,
    page_keys,
    reads_in_order,
)


class SqlLogStore:
    """The ``LogStore`` port on a ``Database``."""

    def __init__(self, db: Database) -> None:
        """Store log lines in ``db``.

        Args:
            db: An open, migrated database.
        """
        self._db = db

    def append(self, entries: Iterable[LogEntry]) -> None:
        """Store a batch of lines in one transaction, in the given order."""
        rows = [_row(entry) for entry in entries]
        if not rows:
            return
        # One executemany: the ids, which give the read order, follow the list order.
        with self._db.write() as conn:
            conn.execute(insert(logs), rows)

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
        with self._db.read() as conn:
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
        with self._db.write() as conn:
            return conn.execute(delete(logs).where(logs.c.execution_id == execution_id)).rowcount


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


def _row(entry: LogEntry) -> dict[str, Any]:
    return {
        "namespace": entry.namespace,
        "flow_id": entry.flow_id,
        "task_id": entry.task_id,
        "execution_id": entry.execution_id,
        "task_run_id": entry.task_run_id,
        "attempt_number": entry.attempt_number,
        "trigger_id": entry.trigger_id,
        "timestamp": entry.timestamp,
        "level": entry.level.value,
        "thread": entry.thread,
        "message": entry.message,
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
