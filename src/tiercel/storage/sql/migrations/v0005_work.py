"""Migration 5: the work shared between processes: jobs for workers, events for the executor,
the workers' heartbeats, and leases on roles only one process may hold."""

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Connection,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
)

# SQLite gives a rowid alias (and so autoincrement) only to a column declared INTEGER.
_ID = BigInteger().with_variant(Integer(), "sqlite")


def upgrade(conn: Connection) -> None:
    """Create the tables of schema version 5."""
    metadata = MetaData()
    Table(
        "worker_jobs",
        metadata,
        Column("task_run_id", String, primary_key=True),
        Column("execution_id", String, nullable=False),
        Column("payload", LargeBinary, nullable=False),
        Column("worker_id", String),
        Column("lease_until", BigInteger),
        Column("kill", Boolean, nullable=False),
        Column("created_at", BigInteger, nullable=False),
        Index("ix_worker_jobs_claim", "worker_id", "created_at"),
    )
    Table(
        "executor_inbox",
        metadata,
        Column("seq", _ID, primary_key=True, autoincrement=True),
        Column("execution_id", String, nullable=False),
        Column("payload", LargeBinary, nullable=False),
        Column("created_at", BigInteger, nullable=False),
    )
    Table(
        "workers",
        metadata,
        Column("worker_id", String, primary_key=True),
        Column("hostname", String, nullable=False),
        Column("pid", Integer, nullable=False),
        Column("threads", Integer, nullable=False),
        Column("started_at", BigInteger, nullable=False),
        Column("heartbeat_at", BigInteger, nullable=False),
    )
    Table(
        "leases",
        metadata,
        Column("name", String, primary_key=True),
        Column("holder", String, nullable=False),
        Column("until", BigInteger, nullable=False),
    )
    metadata.create_all(conn)
