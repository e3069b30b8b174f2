"""The storage layer's public surface is curated: changing it must be a deliberate act."""

import tiercel.storage


def test_storage_public_names_are_pinned() -> None:
    assert sorted(tiercel.storage.__all__) == [
        "Database",
        "ExecutionStore",
        "GlobError",
        "InternalStorage",
        "InvalidKeyError",
        "InvalidPathError",
        "InvalidValueError",
        "KESTRA_SCHEME",
        "KVEntry",
        "KVStore",
        "KVType",
        "KV_KEY_PATTERN",
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
        "SchemaError",
        "SqlExecutionStore",
        "SqlKVStore",
        "SqlLogStore",
        "SqlMetricStore",
        "StorageError",
        "StorageFileExistsError",
        "StorageFileNotFoundError",
        "StorageNamespaceFiles",
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
    for name in tiercel.storage.__all__:
        assert hasattr(tiercel.storage, name), name
