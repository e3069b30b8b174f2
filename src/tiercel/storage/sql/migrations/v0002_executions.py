"""Migration 2: executions and their task runs, one row each.

A task run is its own row so that recording one transition writes one small row, however many
task runs the execution has.
"""

from sqlalchemy import BigInteger, Column, Connection, Index, Integer, MetaData, String, Table, Text

_SEQ = BigInteger().with_variant(Integer(), "sqlite")


def upgrade(conn: Connection) -> None:
    """Create the tables of schema version 2."""
    metadata = MetaData()
    Table(
        "executions",
        metadata,
        Column("id", String, primary_key=True),
        Column("namespace", String, nullable=False),
        Column("flow_id", String, nullable=False),
        Column("state", String(16), nullable=False),
        Column("created_at", BigInteger, nullable=False),
        Column("updated_at", BigInteger, nullable=False),
        Column("document", Text, nullable=False),
        Index("ix_executions_flow", "namespace", "flow_id", "created_at"),
        Index("ix_executions_state", "state"),
    )
    Table(
        "task_runs",
        metadata,
        # The surrogate key numbers task runs in creation order; an upsert keeps it.
        Column("seq", _SEQ, primary_key=True, autoincrement=True),
        Column("id", String, nullable=False, unique=True),
        Column("execution_id", String, nullable=False),
        Column("task_id", String, nullable=False),
        Column("state", String(16), nullable=False),
        Column("document", Text, nullable=False),
        Index("ix_task_runs_execution", "execution_id", "seq"),
    )
    metadata.create_all(conn)
