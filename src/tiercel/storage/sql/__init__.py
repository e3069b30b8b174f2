"""SQL adapters of the storage ports, on SQLAlchemy Core: SQLite (default) and PostgreSQL."""

from tiercel.storage.sql.database import Database
from tiercel.storage.sql.executions import SqlExecutionStore
from tiercel.storage.sql.flows import SqlFlowStore
from tiercel.storage.sql.kv import SqlKVStore
from tiercel.storage.sql.logs import SqlLogStore
from tiercel.storage.sql.metrics import SqlMetricStore
from tiercel.storage.sql.migrations import MIGRATIONS, Migration
from tiercel.storage.sql.triggers import SqlTriggerStore
from tiercel.storage.sql.work import SqlWorkQueue

__all__ = [
    "MIGRATIONS",
    "Database",
    "Migration",
    "SqlExecutionStore",
    "SqlFlowStore",
    "SqlKVStore",
    "SqlLogStore",
    "SqlMetricStore",
    "SqlTriggerStore",
    "SqlWorkQueue",
]
