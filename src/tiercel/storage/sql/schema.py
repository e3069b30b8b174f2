"""The current schema, as the queries see it.

Migrations build the tables (``tiercel.storage.sql.migrations``); these definitions must describe
what the latest migration leaves, which a test checks by reflecting a migrated database.

Times are stored as integer microseconds since the Unix epoch, UTC: exact, ordered the same
way on every database, and free of each driver's own time zone handling.
"""

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Dialect,
    Double,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
)
from sqlalchemy.types import TypeDecorator

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)

# SQLite gives a rowid alias (and so autoincrement) only to a column declared INTEGER.
Id = BigInteger().with_variant(Integer(), "sqlite")
"""The type of surrogate primary keys."""


def to_micros(moment: datetime) -> int:
    """An aware datetime as microseconds since the epoch.

    Raises:
        ValueError: ``moment`` is naive.
    """
    if moment.utcoffset() is None:
        raise ValueError(f"a stored time needs a time zone, not {moment!r}")
    return (moment - _EPOCH) // _MICROSECOND


def from_micros(micros: int) -> datetime:
    """Microseconds since the epoch as an aware UTC datetime."""
    return _EPOCH + micros * _MICROSECOND


class UtcMicros(TypeDecorator[datetime]):
    """An aware datetime stored as a BIGINT of microseconds since the epoch."""

    impl = BigInteger
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> int | None:
        """Convert a datetime on its way into the database."""
        return None if value is None else to_micros(value)

    def process_result_value(self, value: Any | None, dialect: Dialect) -> datetime | None:
        """Convert a stored integer back to a UTC datetime."""
        return None if value is None else from_micros(int(value))


class NulFreeText(TypeDecorator[str]):
    """Text in which a NUL character is stored as U+FFFD, on every database.

    PostgreSQL's text cannot hold NUL, and a log line holding a program's binary output must not
    make its whole batch fail; doing the same on SQLite keeps what is read back the same.
    """

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        """Replace NUL on the way into the database."""
        return None if value is None else value.replace("\x00", "\ufffd")


metadata = MetaData()

kv_entries = Table(
    "kv_entries",
    metadata,
    Column("namespace", String, primary_key=True),
    Column("key", String, primary_key=True),
    Column("value_type", String(16), nullable=False),
    Column("value", Text, nullable=False),
    Column("description", NulFreeText),
    Column("created_at", UtcMicros, nullable=False),
    Column("updated_at", UtcMicros, nullable=False),
    Column("expires_at", UtcMicros),
    Index("ix_kv_entries_expires_at", "expires_at"),
)

log_entries = Table(
    "log_entries",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("namespace", String, nullable=False),
    Column("flow_id", String, nullable=False),
    Column("task_id", String),
    Column("execution_id", String),
    Column("task_run_id", String),
    Column("attempt_number", Integer),
    Column("trigger_id", String),
    Column("timestamp", UtcMicros, nullable=False),
    Column("level", String(8), nullable=False),
    Column("thread", NulFreeText),
    Column("message", NulFreeText, nullable=False),
    Index("ix_log_entries_execution", "execution_id", "id"),
    Index("ix_log_entries_task_run", "task_run_id", "id"),
    Index("ix_log_entries_timeline", "timestamp", "id", "namespace", "level"),
    Index("ix_log_entries_flow", "namespace", "flow_id", "timestamp"),
    Index("ix_log_entries_level", "level", "timestamp"),
)

log_counts = Table(
    "log_counts",
    metadata,
    Column("span", BigInteger, primary_key=True, autoincrement=False),
    Column("bucket", BigInteger, primary_key=True, autoincrement=False),
    Column("shard", Integer, primary_key=True, autoincrement=False),
    Column("lines", BigInteger, nullable=False),
)
"""How many log lines each span of time holds (see ``tiercel.storage.sql.log_counts``)."""

metric_entries = Table(
    "metric_entries",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("namespace", String, nullable=False),
    Column("flow_id", String, nullable=False),
    Column("task_id", String),
    Column("execution_id", String),
    Column("task_run_id", String),
    Column("type", String(16), nullable=False),
    Column("name", String, nullable=False),
    Column("value", Double, nullable=False),
    Column("tags", Text, nullable=False),
    Column("timestamp", UtcMicros, nullable=False),
    Index("ix_metric_entries_execution", "execution_id", "id"),
)

executions = Table(
    "executions",
    metadata,
    Column("id", String, primary_key=True),
    Column("namespace", String, nullable=False),
    Column("flow_id", String, nullable=False),
    Column("state", String(16), nullable=False),
    Column("created_at", UtcMicros, nullable=False),
    Column("updated_at", UtcMicros, nullable=False),
    Column("document", Text, nullable=False),
    Index("ix_executions_flow", "namespace", "flow_id", "created_at"),
    Index("ix_executions_created", "created_at", "id"),
    Index("ix_executions_timeline", "created_at", "id", "namespace", "flow_id", "state"),
    Index("ix_executions_state_created", "state", "created_at"),
    Index("ix_executions_state_namespace", "state", "namespace", "created_at", "id"),
)

execution_labels = Table(
    "execution_labels",
    metadata,
    Column("execution_id", String, primary_key=True),
    Column("key", NulFreeText, primary_key=True),
    Column("value", NulFreeText, primary_key=True),
    Index("ix_execution_labels_label", "key", "value", "execution_id"),
)

task_runs = Table(
    "task_runs",
    metadata,
    Column("seq", Id, primary_key=True, autoincrement=True),
    Column("id", String, nullable=False, unique=True),
    Column("execution_id", String, nullable=False),
    Column("task_id", String, nullable=False),
    Column("state", String(16), nullable=False),
    Column("document", Text, nullable=False),
    Index("ix_task_runs_execution", "execution_id", "seq"),
)

triggers = Table(
    "triggers",
    metadata,
    Column("namespace", String, primary_key=True),
    Column("flow_id", String, primary_key=True),
    Column("trigger_id", String, primary_key=True),
    Column("disabled", Boolean, nullable=False),
    Column("date", UtcMicros),
    Column("next_execution_date", UtcMicros),
    Column("execution_id", String),
    Column("updated_at", UtcMicros, nullable=False),
    Column("state", Text, nullable=False),
)

flows = Table(
    "flows",
    metadata,
    Column("namespace", String, primary_key=True),
    Column("flow_id", String, primary_key=True),
    Column("revision", Integer, primary_key=True, autoincrement=False),
    Column("source", Text, nullable=False),
    Column("deleted", Boolean, nullable=False),
    Column("updated_at", UtcMicros, nullable=False),
)

worker_jobs = Table(
    "worker_jobs",
    metadata,
    Column("task_run_id", String, primary_key=True),
    Column("execution_id", String, nullable=False),
    Column("payload", LargeBinary, nullable=False),
    Column("worker_id", String),
    Column("lease_until", UtcMicros),
    Column("kill", Boolean, nullable=False),
    Column("created_at", UtcMicros, nullable=False),
    Index("ix_worker_jobs_claim", "worker_id", "created_at"),
)

executor_inbox = Table(
    "executor_inbox",
    metadata,
    Column("seq", Id, primary_key=True, autoincrement=True),
    Column("execution_id", String, nullable=False),
    Column("payload", LargeBinary, nullable=False),
    Column("created_at", UtcMicros, nullable=False),
)

workers = Table(
    "workers",
    metadata,
    Column("worker_id", String, primary_key=True),
    Column("hostname", String, nullable=False),
    Column("pid", Integer, nullable=False),
    Column("threads", Integer, nullable=False),
    Column("started_at", UtcMicros, nullable=False),
    Column("heartbeat_at", UtcMicros, nullable=False),
)

leases = Table(
    "leases",
    metadata,
    Column("name", String, primary_key=True),
    Column("holder", String, nullable=False),
    Column("until", UtcMicros, nullable=False),
)
