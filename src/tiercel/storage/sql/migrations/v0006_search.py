"""Migration 6: what paged searches need: a table of execution labels, filled from the stored
executions, and indexes in the orders the searches read.

On PostgreSQL the identifier columns that searches compare as ranges or sort (ids, namespaces,
flow ids) switch to the "C" collation: a namespace prefix becomes an index range
(``>= 'a.b.'`` and ``< 'a.b/'``), which is only right when text compares byte by byte, as
SQLite's does; the server's default collation (``en_US`` and the like) skips punctuation.
"""

import json
from typing import Any

from sqlalchemy import Column, Connection, Index, MetaData, String, Table, text

_BATCH = 5_000

_C_COLLATED = {
    "executions": ("id", "namespace", "flow_id"),
    "log_entries": ("namespace", "flow_id"),
    "flows": ("namespace", "flow_id"),
    # As executions.id, or the labels' index would not serve a comparison with it.
    "execution_labels": ("execution_id", "key", "value"),
}

_INDEXES = (
    # Replaced by ix_executions_state_created, which serves the same lookups.
    "DROP INDEX ix_executions_state",
    "CREATE INDEX ix_executions_created ON executions (created_at, id)",
    "CREATE INDEX ix_executions_state_created ON executions (state, created_at)",
    "CREATE INDEX ix_log_entries_timestamp ON log_entries (timestamp, id)",
    "CREATE INDEX ix_log_entries_flow ON log_entries (namespace, flow_id, timestamp)",
    "CREATE INDEX ix_log_entries_level ON log_entries (level, timestamp)",
)


def upgrade(conn: Connection) -> None:
    """Create the labels table, fill it, collate identifiers by code point, add indexes."""
    metadata = MetaData()
    labels = Table(
        "execution_labels",
        metadata,
        Column("execution_id", String, primary_key=True),
        Column("key", String, primary_key=True),
        Column("value", String, primary_key=True),
        Index("ix_execution_labels_label", "key", "value", "execution_id"),
    )
    metadata.create_all(conn)
    if conn.dialect.name == "postgresql":
        for table, columns in _C_COLLATED.items():
            changes = ", ".join(
                f'ALTER COLUMN {column} TYPE VARCHAR COLLATE "C"' for column in columns
            )
            conn.execute(text(f"ALTER TABLE {table} {changes}"))
    for statement in _INDEXES:
        conn.execute(text(statement))
    _fill_labels(conn, labels)


def _fill_labels(conn: Connection, labels: Table) -> None:
    """One row per distinct label of each stored execution, read from its JSON document a
    batch at a time (in id order, so that no batch is read twice)."""
    last = ""
    batch = text("SELECT id, document FROM executions WHERE id > :last ORDER BY id LIMIT :n")
    while True:
        rows = conn.execute(batch, {"last": last, "n": _BATCH}).all()
        if not rows:
            return
        found: dict[tuple[str, str, str], dict[str, Any]] = {}
        for execution_id, document in rows:
            for label in json.loads(document).get("labels") or ():
                key, value = (_nul_free(label["key"]), _nul_free(label["value"]))
                found[(execution_id, key, value)] = {
                    "execution_id": execution_id,
                    "key": key,
                    "value": value,
                }
        if found:
            conn.execute(labels.insert(), list(found.values()))
        last = rows[-1][0]


def _nul_free(value: Any) -> str:
    # As NulFreeText stores text: PostgreSQL's cannot hold NUL.
    return str(value).replace("\x00", "\ufffd")
