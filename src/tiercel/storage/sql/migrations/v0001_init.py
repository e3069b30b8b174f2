"""Migration 1: the KV, log and metric tables.

A migration is frozen once released: it defines its tables here rather than importing the
current schema, which later migrations will change.
"""

from sqlalchemy import (
    BigInteger,
    Column,
    Connection,
    Double,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

_ID = BigInteger().with_variant(Integer(), "sqlite")


def upgrade(conn: Connection) -> None:
    """Create the tables of schema version 1."""
    metadata = MetaData()
    Table(
        "kv_entries",
        metadata,
        Column("namespace", String, primary_key=True),
        Column("key", String, primary_key=True),
        Column("value_type", String(16), nullable=False),
        Column("value", Text, nullable=False),
        Column("description", Text),
        Column("created_at", BigInteger, nullable=False),
        Column("updated_at", BigInteger, nullable=False),
        Column("expires_at", BigInteger),
        Index("ix_kv_entries_expires_at", "expires_at"),
    )
    Table(
        "log_entries",
        metadata,
        Column("id", _ID, primary_key=True, autoincrement=True),
        Column("namespace", String, nullable=False),
        Column("flow_id", String, nullable=False),
        Column("task_id", String),
        Column("execution_id", String),
        Column("task_run_id", String),
        Column("attempt_number", Integer),
        Column("trigger_id", String),
        Column("timestamp", BigInteger, nullable=False),
        Column("level", String(8), nullable=False),
        Column("thread", String),
        Column("message", Text, nullable=False),
        Index("ix_log_entries_execution", "execution_id", "id"),
        Index("ix_log_entries_task_run", "task_run_id", "id"),
    )
    Table(
        "metric_entries",
        metadata,
        Column("id", _ID, primary_key=True, autoincrement=True),
        Column("namespace", String, nullable=False),
        Column("flow_id", String, nullable=False),
        Column("task_id", String),
        Column("execution_id", String),
        Column("task_run_id", String),
        Column("type", String(16), nullable=False),
        Column("name", String, nullable=False),
        Column("value", Double, nullable=False),
        Column("tags", Text, nullable=False),
        Column("timestamp", BigInteger, nullable=False),
        Index("ix_metric_entries_execution", "execution_id", "id"),
    )
    metadata.create_all(conn)
