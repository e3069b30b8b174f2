"""Storage: the ports Tiercel keeps its state behind, and their adapters.

This layer owns the internal storage of files (Kestra's ``kestra:///`` URIs and their layout),
the per-namespace KV store, namespace files, and task-run logs and metrics: one ``Protocol`` per
concern in ``ports``, adapters beside them (local disk; SQL through SQLAlchemy Core, SQLite by
default, PostgreSQL later) and one contract test suite every adapter passes.

It may import ``tiercel.model`` and third-party libraries, nothing else from Tiercel. It reads
no clock: a method that needs the time takes ``now``.
"""

from tiercel.model.kv import KVType
from tiercel.storage.errors import (
    InvalidKeyError,
    InvalidPathError,
    InvalidValueError,
    KeyExistsError,
    SchemaError,
    StorageError,
    StorageFileExistsError,
    StorageFileNotFoundError,
)
from tiercel.storage.globs import GlobError
from tiercel.storage.kv import KV_KEY_PATTERN, KVEntry, validate_key
from tiercel.storage.local import LocalInternalStorage
from tiercel.storage.namespace_files import StorageNamespaceFiles
from tiercel.storage.paging import ExecutionFilter, FlowFilter, InvalidSearchError, Page, Sort
from tiercel.storage.ports import (
    ExecutionStore,
    FlowStore,
    InternalStorage,
    KVStore,
    LogStore,
    MetricStore,
    NamespaceFiles,
    Transition,
    TriggerStore,
)
from tiercel.storage.records import (
    FlowRecord,
    LogEntry,
    LogQuery,
    MetricEntry,
    MetricType,
    NamespaceFile,
    TriggerRecord,
)
from tiercel.storage.sql import (
    Database,
    SqlExecutionStore,
    SqlFlowStore,
    SqlKVStore,
    SqlLogStore,
    SqlMetricStore,
    SqlTriggerStore,
    SqlWorkQueue,
)
from tiercel.storage.uris import (
    KESTRA_SCHEME,
    execution_id_of,
    execution_uri,
    flow_uri,
    input_file_uri,
    namespace_file_uri,
    namespace_files_uri,
    namespace_path,
    normalize_uri,
    slugify,
    task_file_uri,
    task_run_uri,
)

__all__ = [
    "KESTRA_SCHEME",
    "KV_KEY_PATTERN",
    "Database",
    "ExecutionFilter",
    "ExecutionStore",
    "FlowFilter",
    "FlowRecord",
    "FlowStore",
    "GlobError",
    "InternalStorage",
    "InvalidKeyError",
    "InvalidPathError",
    "InvalidSearchError",
    "InvalidValueError",
    "KVEntry",
    "KVStore",
    "KVType",
    "KeyExistsError",
    "LocalInternalStorage",
    "LogEntry",
    "LogQuery",
    "LogStore",
    "MetricEntry",
    "MetricStore",
    "MetricType",
    "NamespaceFile",
    "NamespaceFiles",
    "Page",
    "SchemaError",
    "Sort",
    "SqlExecutionStore",
    "SqlFlowStore",
    "SqlKVStore",
    "SqlLogStore",
    "SqlMetricStore",
    "SqlTriggerStore",
    "SqlWorkQueue",
    "StorageError",
    "StorageFileExistsError",
    "StorageFileNotFoundError",
    "StorageNamespaceFiles",
    "Transition",
    "TriggerRecord",
    "TriggerStore",
    "execution_id_of",
    "execution_uri",
    "flow_uri",
    "input_file_uri",
    "namespace_file_uri",
    "namespace_files_uri",
    "namespace_path",
    "normalize_uri",
    "slugify",
    "task_file_uri",
    "task_run_uri",
    "validate_key",
]
