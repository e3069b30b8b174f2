"""``SqlMetricStore``: metric values in the ``metric_entries`` table."""

import json
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, Row, delete, insert, select

from tiercel.storage.ports import MetricStore
from tiercel.storage.records import MetricEntry, MetricType
from tiercel.storage.sql.database import Database
from tiercel.storage.sql.schema import metric_entries as metrics


class SqlMetricStore:
    """The ``MetricStore`` port on a ``Database``."""

    def __init__(self, db: Database) -> None:
        """Store metric values in ``db``.

        Args:
            db: An open, migrated database.
        """
        self._db = db

    def append(self, entries: Iterable[MetricEntry]) -> None:
        """Store a batch of metric values in one transaction."""
        rows = [_row(entry) for entry in entries]
        if rows:
            with self._db.write() as conn:
                conn.execute(insert(metrics), rows)

    def find_by_execution(
        self, execution_id: str, *, task_run_id: str | None = None, name: str | None = None
    ) -> list[MetricEntry]:
        """The values of an execution, in append order."""
        conditions: list[ColumnElement[bool]] = [metrics.c.execution_id == execution_id]
        if task_run_id is not None:
            conditions.append(metrics.c.task_run_id == task_run_id)
        if name is not None:
            conditions.append(metrics.c.name == name)
        statement = select(metrics).where(*conditions).order_by(metrics.c.id)
        with self._db.read() as conn:
            return [_entry(row) for row in conn.execute(statement)]

    def delete_by_execution(self, execution_id: str) -> int:
        """Delete every value of an execution; tell how many there were."""
        statement = delete(metrics).where(metrics.c.execution_id == execution_id)
        with self._db.write() as conn:
            return conn.execute(statement).rowcount


def _row(entry: MetricEntry) -> dict[str, Any]:
    return {
        "namespace": entry.namespace,
        "flow_id": entry.flow_id,
        "task_id": entry.task_id,
        "execution_id": entry.execution_id,
        "task_run_id": entry.task_run_id,
        "type": entry.type.value,
        "name": entry.name,
        "value": float(entry.value),
        # Tags are few and only read back whole: a JSON text is portable and enough.
        "tags": json.dumps(dict(entry.tags), sort_keys=True, ensure_ascii=False),
        "timestamp": entry.timestamp,
    }


def _entry(row: Row[Any]) -> MetricEntry:
    return MetricEntry(
        namespace=row.namespace,
        flow_id=row.flow_id,
        type=MetricType(row.type),
        name=row.name,
        value=row.value,
        timestamp=row.timestamp,
        task_id=row.task_id,
        execution_id=row.execution_id,
        task_run_id=row.task_run_id,
        tags=json.loads(row.tags),
    )


if TYPE_CHECKING:
    # mypy proves here that the adapter implements its port.
    _conforms: type[MetricStore] = SqlMetricStore
