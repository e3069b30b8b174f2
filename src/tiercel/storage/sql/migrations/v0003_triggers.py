"""Migration 3: the state of every flow trigger, one row each (Kestra's ``triggers`` table)."""

from sqlalchemy import BigInteger, Boolean, Column, Connection, MetaData, String, Table, Text


def upgrade(conn: Connection) -> None:
    """Create the table of schema version 3."""
    metadata = MetaData()
    Table(
        "triggers",
        metadata,
        Column("namespace", String, primary_key=True),
        Column("flow_id", String, primary_key=True),
        Column("trigger_id", String, primary_key=True),
        Column("disabled", Boolean, nullable=False),
        Column("date", BigInteger),
        Column("next_execution_date", BigInteger),
        Column("execution_id", String),
        Column("updated_at", BigInteger, nullable=False),
        Column("state", Text, nullable=False),
    )
    metadata.create_all(conn)
