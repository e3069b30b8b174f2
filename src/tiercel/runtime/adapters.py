"""The sdk's task-facing services built on the storage ports."""

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from pathlib import PurePosixPath
from typing import Any, BinaryIO

from tiercel.model.execution import TaskRun
from tiercel.storage.ports import InternalStorage, KVStore, NamespaceFiles
from tiercel.storage.uris import task_file_uri


class TaskFiles:
    """Internal storage as one task run sees it: new files go under the run's own prefix."""

    def __init__(self, storage: InternalStorage, run: TaskRun) -> None:
        self._storage = storage
        self._run = run

    def put(self, name: str, data: bytes | BinaryIO) -> str:
        run = self._run
        file_name = PurePosixPath(name).name
        uri = task_file_uri(
            run.namespace, run.flow_id, run.execution_id, run.task_id, run.id, file_name
        )
        return self._storage.put(uri, data)

    def open(self, uri: str) -> BinaryIO:
        return self._storage.open(uri)

    def read_bytes(self, uri: str) -> bytes:
        return self._storage.read_bytes(uri)

    def exists(self, uri: str) -> bool:
        return self._storage.exists(uri)

    def size(self, uri: str) -> int:
        return self._storage.size(uri)

    def delete(self, uri: str) -> bool:
        return self._storage.delete(uri)


class NamespaceKeyValues:
    """One namespace of the KV store, on the runtime's clock."""

    def __init__(self, store: KVStore, namespace: str, clock: Callable[[], datetime]) -> None:
        self._store = store
        self._namespace = namespace
        self._clock = clock

    def get(self, key: str) -> Any | None:
        entry = self._store.get(self._namespace, key, now=self._clock())
        return entry.value if entry is not None else None

    def set(
        self,
        key: str,
        value: Any,
        *,
        kv_type: str | None = None,
        ttl: Any = None,
        overwrite: bool = True,
    ) -> None:
        span = ttl if isinstance(ttl, timedelta) or ttl is None else None
        self._store.set(
            self._namespace,
            key,
            value,
            now=self._clock(),
            kv_type=kv_type,
            ttl=span,
            overwrite=overwrite,
        )

    def delete(self, key: str) -> bool:
        return self._store.delete(self._namespace, key)

    def keys(self, prefix: str | None = None) -> list[str]:
        return self._store.keys(self._namespace, prefix, now=self._clock())


class NamespaceFileAdapter:
    """One namespace of the namespace files, as a task sees it."""

    def __init__(self, files: NamespaceFiles, namespace: str) -> None:
        self._files = files
        self._namespace = namespace

    def read(self, path: str) -> bytes:
        return self._files.read(self._namespace, path)

    def write(self, path: str, data: bytes | BinaryIO, *, overwrite: bool = True) -> None:
        self._files.write(self._namespace, path, data, overwrite=overwrite)

    def exists(self, path: str) -> bool:
        return self._files.exists(self._namespace, path)

    def delete(self, path: str) -> list[str]:
        return [item.path for item in self._files.delete(self._namespace, path)]

    def paths(self, include: Sequence[str] = (), exclude: Sequence[str] = ()) -> list[str]:
        found = self._files.list(self._namespace, include=list(include), exclude=list(exclude))
        return [item.path for item in found]
