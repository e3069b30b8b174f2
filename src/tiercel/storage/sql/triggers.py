"""``SqlTriggerStore``: trigger records in the ``triggers`` table."""

import json
from typing import Any

from sqlalchemy import Row, bindparam, delete, select

from tiercel.storage.records import TriggerRecord
from tiercel.storage.sql import dialects
from tiercel.storage.sql.database import Database
from tiercel.storage.sql.prepared import Prepared
from tiercel.storage.sql.round_trip import in_one_trip
from tiercel.storage.sql.schema import from_micros, triggers

_KEY = (triggers.c.namespace, triggers.c.flow_id, triggers.c.trigger_id)

_GET = select(triggers).where(*(column == bindparam(column.name) for column in _KEY))
"""One trigger's record, its columns in the table's order (``_stored_record``)."""


class SqlTriggerStore:
    """The ``TriggerStore`` port on a ``Database``."""

    def __init__(self, db: Database) -> None:
        """Store trigger records in ``db``.

        Args:
            db: An open, migrated database.
        """
        self._db = db
        self._get = Prepared(db.engine, _GET)
        statement = dialects.insert(db.dialect, triggers)
        self._upsert = statement.on_conflict_do_update(
            index_elements=list(_KEY),
            set_={
                column.name: statement.excluded[column.name]
                for column in triggers.columns
                if column not in _KEY
            },
        )

    def get(self, namespace: str, flow_id: str, trigger_id: str) -> TriggerRecord | None:
        """A trigger's record, or None when it has none."""
        key = {"namespace": namespace, "flow_id": flow_id, "trigger_id": trigger_id}
        # One statement on the driver's cursor (one query sees one committed state): a
        # webhook call reads its trigger's record each time.
        if self._db.dialect == "postgresql":
            # Its transaction in one round trip, ended by a commit: psycopg forgets a
            # connection's prepared statements at each ROLLBACK (and sends DEALLOCATE ALL).
            rows = in_one_trip(self._db.engine, [(self._get, key)], rows_of=0)
        else:
            connection = self._db.engine.raw_connection()
            try:
                rows = self._get.rows(connection.cursor(), key)
            finally:
                connection.close()  # back to the pool, which ends the driver's own transaction
        return None if not rows else _stored_record(rows[0])

    def save(self, record: TriggerRecord) -> None:
        """Create or replace a trigger's record."""
        row = {
            "namespace": record.namespace,
            "flow_id": record.flow_id,
            "trigger_id": record.trigger_id,
            "disabled": record.disabled,
            "date": record.date,
            "next_execution_date": record.next_execution_date,
            "execution_id": record.execution_id,
            "updated_at": record.updated_at,
            "state": json.dumps(dict(record.state), separators=(",", ":")),
        }
        with self._db.write() as conn:
            conn.execute(self._upsert, [row])

    def find(
        self, *, namespace: str | None = None, flow_id: str | None = None
    ) -> list[TriggerRecord]:
        """The records of a namespace or of one flow, in key order."""
        query = select(triggers).order_by(
            *(dialects.code_point_order(self._db.dialect, column) for column in _KEY)
        )
        if namespace is not None:
            query = query.where(triggers.c.namespace == namespace)
        if flow_id is not None:
            query = query.where(triggers.c.flow_id == flow_id)
        with self._db.read() as conn:
            return [_record(row) for row in conn.execute(query)]

    def delete(self, namespace: str, flow_id: str, trigger_id: str | None = None) -> int:
        """Delete one trigger's record, or those of the whole flow."""
        statement = delete(triggers).where(
            triggers.c.namespace == namespace, triggers.c.flow_id == flow_id
        )
        if trigger_id is not None:
            statement = statement.where(triggers.c.trigger_id == trigger_id)
        with self._db.write() as conn:
            return conn.execute(statement).rowcount


def _stored_record(values: tuple[Any, ...]) -> TriggerRecord:
    """A record from the driver's values of a ``_GET`` row: what the columns' types would
    convert (``UtcMicros``) converted here."""
    namespace, flow_id, trigger_id, disabled, date, next_date, execution_id, updated, state = values
    return TriggerRecord(
        namespace=namespace,
        flow_id=flow_id,
        trigger_id=trigger_id,
        updated_at=from_micros(int(updated)),
        disabled=bool(disabled),
        date=None if date is None else from_micros(int(date)),
        next_execution_date=None if next_date is None else from_micros(int(next_date)),
        execution_id=execution_id,
        state=json.loads(state),
    )


def _record(row: Row[Any]) -> TriggerRecord:
    return TriggerRecord(
        namespace=row.namespace,
        flow_id=row.flow_id,
        trigger_id=row.trigger_id,
        updated_at=row.updated_at,
        disabled=bool(row.disabled),
        date=row.date,
        next_execution_date=row.next_execution_date,
        execution_id=row.execution_id,
        state=json.loads(row.state),
    )
