"""The storage ports: one ``Protocol`` per concern, which every backend implements.

Nothing here reads a clock: a method that needs the current time takes ``now`` (an aware
datetime), so expiry is decided by the caller's clock and tests can fix it.
"""

import builtins
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, BinaryIO, Protocol

from tiercel.model.execution import Execution, TaskRun
from tiercel.model.kv import KVType
from tiercel.storage.kv import KVEntry
from tiercel.storage.paging import ExecutionFilter, FlowFilter, Page, Sort
from tiercel.storage.records import (
    FlowRecord,
    LogEntry,
    LogQuery,
    MetricEntry,
    NamespaceFile,
    TriggerRecord,
)
from tiercel.storage.stats import GroupBy, StatisticsBucket
from tiercel.storage.work import Job


class InternalStorage(Protocol):
    """Files addressed by ``kestra:///`` URIs (task outputs, FILE inputs, namespace files).

    Every method refuses a URI that is not ``kestra:///...`` or that tries to leave the
    storage (``..``, NUL) with ``InvalidPathError``.
    """

    def put(self, uri: str, data: bytes | BinaryIO) -> str:
        """Store a file, replacing any file at ``uri``, atomically.

        Readers see the old content or the new one, never a part of the new one.

        Args:
            uri: Where to store it.
            data: The content, or a binary stream read to its end (not closed).

        Returns:
            The URI in canonical form.
        """
        ...

    def open(self, uri: str) -> BinaryIO:
        """Open a stored file for streaming reads; the caller closes it.

        Raises:
            StorageFileNotFoundError: No file at ``uri``.
        """
        ...

    def read_bytes(self, uri: str) -> bytes:
        """The whole content of a stored file.

        Raises:
            StorageFileNotFoundError: No file at ``uri``.
        """
        ...

    def exists(self, uri: str) -> bool:
        """Whether a file is stored at ``uri`` (a directory prefix is not a file)."""
        ...

    def size(self, uri: str) -> int:
        """The size of a stored file in bytes.

        Raises:
            StorageFileNotFoundError: No file at ``uri``.
        """
        ...

    def delete(self, uri: str) -> bool:
        """Delete a file; tell whether it existed."""
        ...

    def delete_prefix(self, prefix: str) -> builtins.list[str]:
        """Delete every file under a directory URI.

        Returns:
            The URIs of the deleted files, sorted.
        """
        ...

    def list(self, prefix: str) -> builtins.list[str]:
        """The URIs of every file under a directory URI, at any depth, sorted."""
        ...


class KVStore(Protocol):
    """Kestra's per-namespace key-value store, with typed values and TTLs.

    An expired key behaves as absent everywhere (``get``, ``keys``, ``entries``, and
    ``set(..., overwrite=False)``) even before ``purge`` removes it.
    """

    def set(
        self,
        namespace: str,
        key: str,
        value: Any,
        *,
        now: datetime,
        kv_type: KVType | str | None = None,
        ttl: timedelta | None = None,
        overwrite: bool = True,
        description: str | None = None,
    ) -> KVEntry:
        """Set a key.

        Args:
            namespace: The namespace.
            key: The key, checked with ``validate_key``.
            value: The value; it must fit ``kv_type``.
            now: The current time: the entry's update time, and the start of its TTL.
            kv_type: The type to store the value as; inferred from the value when None.
            ttl: How long the key lives; forever when None.
            overwrite: Replace a live value; when False, a live key raises ``KeyExistsError``.
            description: Kestra's ``kvDescription``.

        Returns:
            The stored entry.
        """
        ...

    def get(self, namespace: str, key: str, *, now: datetime) -> KVEntry | None:
        """The entry of a live key, or None when it is absent or expired."""
        ...

    def keys(self, namespace: str, prefix: str | None = None, *, now: datetime) -> list[str]:
        """The live keys of a namespace, optionally only those starting with ``prefix``, sorted."""
        ...

    def entries(self, namespace: str, prefix: str | None = None, *, now: datetime) -> list[KVEntry]:
        """The live entries of a namespace, sorted by key."""
        ...

    def delete(self, namespace: str, key: str) -> bool:
        """Delete a key; tell whether a stored value was removed (an expired one counts)."""
        ...

    def purge(
        self,
        *,
        now: datetime,
        namespaces: Collection[str] | None = None,
        include_child_namespaces: bool = True,
        key_pattern: str | None = None,
        expired_only: bool = True,
        namespace_pattern: str | None = None,
    ) -> int:
        """Delete keys in bulk, as Kestra's ``kv.PurgeKV`` does.

        Args:
            now: The current time, which decides what has expired.
            namespaces: The namespaces to purge; every namespace when None.
            include_child_namespaces: Also purge ``a.b.c`` when ``a.b`` is listed.
            key_pattern: A glob over keys (``AI_*``); every key when None.
            namespace_pattern: A glob over namespaces (``company.*``), instead of a list.
            expired_only: Delete only keys whose TTL has run out.

        Returns:
            How many keys were deleted.
        """
        ...


class NamespaceFiles(Protocol):
    """A namespace's virtual file system.

    Paths are relative to the namespace; a leading ``/`` is optional and ``..`` is refused.
    Directories exist only through the files below them.
    """

    def write(
        self, namespace: str, path: str, data: bytes | BinaryIO, *, overwrite: bool = True
    ) -> NamespaceFile:
        """Store a file, atomically.

        Raises:
            StorageFileExistsError: The file exists and ``overwrite`` is False.
        """
        ...

    def read(self, namespace: str, path: str) -> bytes:
        """The content of a file.

        Raises:
            StorageFileNotFoundError: No such file.
        """
        ...

    def open(self, namespace: str, path: str) -> BinaryIO:
        """Open a file for streaming reads; the caller closes it.

        Raises:
            StorageFileNotFoundError: No such file.
        """
        ...

    def exists(self, namespace: str, path: str) -> bool:
        """Whether a file exists at ``path``."""
        ...

    def delete(self, namespace: str, path: str) -> builtins.list[NamespaceFile]:
        """Delete a file, or a directory with everything below it.

        Returns:
            The deleted files, sorted by path; empty when nothing was there.
        """
        ...

    def move(self, namespace: str, source: str, target: str) -> builtins.list[NamespaceFile]:
        """Move a file or a directory to ``target``.

        Returns:
            The files at their new paths, sorted.

        Raises:
            StorageFileNotFoundError: Nothing at ``source``.
            StorageFileExistsError: Something already at ``target``.
        """
        ...

    def list(
        self,
        namespace: str,
        prefix: str = "",
        *,
        include: Sequence[str] = (),
        exclude: Sequence[str] = (),
    ) -> builtins.list[NamespaceFile]:
        """The files under ``prefix``, filtered by globs as Kestra's ``namespaceFiles`` does.

        Args:
            namespace: The namespace.
            prefix: A directory to list; the whole namespace when empty.
            include: Keep files matching one of these globs (all files when empty).
            exclude: Drop files matching one of these globs.

        Returns:
            The files, sorted by path.
        """
        ...


class LogStore(Protocol):
    """Log lines, read back in the order they were appended."""

    def append(self, entries: Iterable[LogEntry]) -> None:
        """Store a batch of lines in one transaction."""
        ...

    def find(self, query: LogQuery, *, offset: int = 0, limit: int | None = None) -> list[LogEntry]:
        """The lines matching ``query``, oldest appended first.

        Args:
            query: The filters.
            offset: How many matching lines to skip (paging).
            limit: At most this many lines; all when None.
        """
        ...

    def search(
        self, query: LogQuery, page: int, size: int, sort: Sequence[Sort] = ()
    ) -> Page[LogEntry]:
        """A page of the lines matching ``query``, in SQL with indexes.

        Args:
            query: The filters (its ``order`` is not used: ``sort`` is).
            page: The page, from 1.
            size: Lines a page.
            sort: ``timestamp``, newest first when empty.

        Raises:
            InvalidSearchError: An unknown sort field, a page or size below 1.
        """
        ...

    def count(self, query: LogQuery) -> int:
        """How many lines match ``query``."""
        ...

    def delete_by_execution(self, execution_id: str) -> int:
        """Delete every line of an execution; tell how many there were."""
        ...


class MetricStore(Protocol):
    """Metric values of task runs."""

    def append(self, entries: Iterable[MetricEntry]) -> None:
        """Store a batch of metric values in one transaction."""
        ...

    def find_by_execution(
        self, execution_id: str, *, task_run_id: str | None = None, name: str | None = None
    ) -> list[MetricEntry]:
        """The values of an execution, optionally of one task run or one name, in append order."""
        ...

    def delete_by_execution(self, execution_id: str) -> int:
        """Delete every value of an execution; tell how many there were."""
        ...


@dataclass(frozen=True, slots=True)
class Transition:
    """What one step of the engine changed: the execution's record (when it changed), the
    changed task runs, and the ids of the task runs it removed."""

    execution: Execution | None
    runs: Sequence[TaskRun]
    removed: Sequence[str] = ()
    labels_changed: bool = True
    """Whether the execution's labels may differ from those stored: the executor knows when a
    step left them as they were, and the labels table is then not looked at."""
    new: bool = False
    """Whether the execution was never stored before: its labels are inserted without
    looking at what the table holds (nothing yet)."""


class ExecutionStore(Protocol):
    """Executions and their task runs, each task run its own record."""

    def save(
        self, execution: Execution | None, runs: Iterable[TaskRun], removed: Iterable[str] = ()
    ) -> None:
        """Store, in one transaction, the execution (when given), the changed task runs, and
        the removal of the task runs ``removed`` names."""
        ...

    def save_all(self, transitions: Sequence[Transition], jobs: Sequence[Job] = ()) -> None:
        """Store several transitions in one transaction (a group commit), as if saved one
        after the other: a later record of an execution or a task run replaces an earlier one.
        ``jobs`` are handed to workers in that same transaction (as ``WorkQueue.enqueue``
        does), so that a step and the jobs it made are stored together or not at all."""
        ...

    def load(self, execution_id: str) -> tuple[Execution, list[TaskRun]] | None:
        """An execution with its task runs in creation order, or None when unknown."""
        ...

    def load_documents(self, execution_id: str) -> tuple[Execution, list[str]] | None:
        """An execution with the JSON text of its task runs in creation order (each a
        ``TaskRun``'s JSON form, camelCase keys), not parsed into models: for a reader that
        only shows them (``task_run_json``). None when unknown."""
        ...

    def get(self, execution_id: str) -> Execution | None:
        """An execution without its task runs (one row), or None when unknown."""
        ...

    def find(
        self,
        *,
        namespace: str | None = None,
        flow_id: str | None = None,
        states: Iterable[str] | None = None,
        created_after: datetime | None = None,
        created_before: datetime | None = None,
        namespace_prefix: bool = False,
        labels: Iterable[tuple[str, str]] | None = None,
    ) -> list[str]:
        """Ids of the executions matching every given filter, oldest first; with ``labels``,
        those carrying every one of these (key, value) labels."""
        ...

    def search(
        self, where: ExecutionFilter, page: int, size: int, sort: Sequence[Sort] = ()
    ) -> Page[Execution]:
        """A page of the executions matching ``where``, without their task runs.

        Args:
            where: The filters.
            page: The page, from 1.
            size: Executions a page.
            sort: Kestra's fields (``state.startDate``, ``id``, ``namespace``, ``flowId``,
                ``state.current``, ``state.endDate``, ``state.duration``); newest first
                when empty.

        Raises:
            InvalidSearchError: An unknown sort field, a page or size below 1.
        """
        ...

    def task_runs(self, execution_ids: Collection[str]) -> dict[str, list[TaskRun]]:
        """The task runs of each execution, in creation order, read in one query."""
        ...

    def statistics(
        self, where: ExecutionFilter, start: datetime, end: datetime, group: GroupBy
    ) -> list[StatisticsBucket]:
        """The executions created in ``[start, end)`` matching ``where`` (whose own dates are
        not used), counted per bucket of ``group`` and per state in one grouped query; one
        entry per bucket of the range, empty ones included.

        Raises:
            InvalidStatisticsError: A reversed range, or more than ``MAX_BUCKETS`` buckets.
        """
        ...

    def run_states(self, execution_id: str) -> list[tuple[str, str]]:
        """``(id, state)`` of each task run of an execution in creation order, read without
        the task runs' documents: a cheap check of whether anything changed."""
        ...

    def runs(self, run_ids: Collection[str]) -> list[TaskRun]:
        """The task runs with these ids, in creation order; unknown ids are skipped."""
        ...

    def ids(self, where: ExecutionFilter, limit: int) -> list[str]:
        """The ids of at most ``limit`` executions matching ``where``, oldest first."""
        ...

    def delete(self, execution_ids: Iterable[str]) -> int:
        """Delete executions with their task runs; return how many were deleted."""
        ...

    def count_by_state(self, *, task_runs: bool = False) -> dict[str, int]:
        """How many executions (or, with ``task_runs``, task runs) are in each state now;
        states with none are absent."""
        ...

    def durations(self, bounds: Sequence[float]) -> tuple[list[int], int, float]:
        """The durations of ended executions, in seconds from creation to the last change:
        how many took at most each of ``bounds`` (ascending), how many in all, their sum."""
        ...


class TriggerStore(Protocol):
    """The state of flow triggers, one record per trigger."""

    def get(self, namespace: str, flow_id: str, trigger_id: str) -> TriggerRecord | None:
        """A trigger's record, or None when it has none."""
        ...

    def save(self, record: TriggerRecord) -> None:
        """Create or replace a trigger's record."""
        ...

    def find(
        self, *, namespace: str | None = None, flow_id: str | None = None
    ) -> list[TriggerRecord]:
        """The records of a namespace or of one flow (every record when unfiltered), in key
        order."""
        ...

    def delete(self, namespace: str, flow_id: str, trigger_id: str | None = None) -> int:
        """Delete one trigger's record, or those of every trigger of the flow; how many went."""
        ...


class FlowStore(Protocol):
    """Deployed flows and every revision of each, as YAML source."""

    def save(self, namespace: str, flow_id: str, source: str, *, now: datetime) -> FlowRecord:
        """Store ``source`` as the flow's next revision and return it; when it is the same
        text as the current revision, store nothing and return the current one."""
        ...

    def get(self, namespace: str, flow_id: str, revision: int | None = None) -> FlowRecord | None:
        """The current revision (None if the flow was deleted), or the given one (deleted
        flows' old revisions included)."""
        ...

    def revisions(self, namespace: str, flow_id: str) -> list[FlowRecord]:
        """Every revision of the flow, oldest first, the deletion marks included."""
        ...

    def find(self, *, namespace: str | None = None, prefix: bool = False) -> list[FlowRecord]:
        """The current revision of every flow not deleted, by namespace and id; of one
        namespace, or with ``prefix``, of a namespace and those under it."""
        ...

    def search(
        self, where: FlowFilter, page: int, size: int, sort: Sequence[Sort] = ()
    ) -> Page[FlowRecord]:
        """A page of the current revisions of the flows not deleted matching ``where``.

        Args:
            where: The filters.
            page: The page, from 1.
            size: Flows a page.
            sort: ``namespace`` or ``id``; by namespace then id when empty.

        Raises:
            InvalidSearchError: An unknown sort field, a page or size below 1.
        """
        ...

    def namespaces(self) -> list[str]:
        """The distinct namespaces of the current flows not deleted, in code-point order
        (read in SQL: one row per namespace)."""
        ...

    def delete(self, namespace: str, flow_id: str, *, now: datetime) -> FlowRecord | None:
        """Mark the flow deleted with a new revision; None if it has no current revision."""
        ...
