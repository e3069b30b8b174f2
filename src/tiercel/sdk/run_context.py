"""``RunContext``: everything a runnable task may use while a worker runs it.

A task never reaches for globals: it renders its properties, logs, stores files, reads and
writes the KV store, all through the context it is given. The runtime implements it; tests can
too.
"""

import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, BinaryIO, Protocol, TypeVar

from tiercel.model.state import State
from tiercel.model.task import LogLevel
from tiercel.sdk.output import Output

T = TypeVar("T")


class TaskLogger(Protocol):
    """Log lines of a task run, stored with the execution and streamed to watchers."""

    def trace(self, message: str) -> None:
        """Log at TRACE level."""
        ...

    def debug(self, message: str) -> None:
        """Log at DEBUG level."""
        ...

    def info(self, message: str) -> None:
        """Log at INFO level."""
        ...

    def warn(self, message: str) -> None:
        """Log at WARN level."""
        ...

    def error(self, message: str) -> None:
        """Log at ERROR level."""
        ...


class FileStore(Protocol):
    """The internal storage, as a task sees it: ``kestra://`` URIs."""

    def put(self, name: str, data: bytes | BinaryIO) -> str:
        """Store a file of this task run under ``name``; return its ``kestra://`` URI."""
        ...

    def open(self, uri: str) -> BinaryIO:
        """Open a stored file for reading."""
        ...

    def read_bytes(self, uri: str) -> bytes:
        """The whole content of a stored file."""
        ...

    def exists(self, uri: str) -> bool:
        """Whether a stored file exists."""
        ...

    def size(self, uri: str) -> int:
        """The size of a stored file in bytes."""
        ...

    def delete(self, uri: str) -> bool:
        """Delete a stored file; tell whether it existed."""
        ...


class KeyValues(Protocol):
    """A namespace's KV store."""

    def get(self, key: str) -> Any | None:
        """The value of a key, or None when it is absent or expired."""
        ...

    def set(self, key: str, value: Any, *, kv_type: str | None = None, ttl: Any = None,
            overwrite: bool = True) -> None:  # fmt: skip
        """Set a key."""
        ...

    def delete(self, key: str) -> bool:
        """Delete a key; tell whether it existed."""
        ...

    def keys(self, prefix: str | None = None) -> list[str]:
        """The live keys, optionally under a prefix."""
        ...


class KeyValueStores(Protocol):
    """The KV store across namespaces, as ``kv.PurgeKV`` works on it."""

    def purge(
        self,
        *,
        namespaces: Sequence[str] | None,
        namespace_pattern: str | None,
        include_child_namespaces: bool,
        key_pattern: str | None,
        expired_only: bool,
    ) -> int:
        """Delete the matching keys (only expired ones with ``expired_only``) of the listed
        namespaces (and their children), or of those matching a glob, or of every one;
        return how many went."""
        ...


class NamespaceFileStore(Protocol):
    """One namespace's files (``read('path')``, the ``namespace.*`` tasks)."""

    def read(self, path: str) -> bytes:
        """A file's content."""
        ...

    def write(self, path: str, data: bytes | BinaryIO, *, overwrite: bool = True) -> None:
        """Create or replace a file."""
        ...

    def exists(self, path: str) -> bool:
        """Whether a file exists."""
        ...

    def delete(self, path: str) -> list[str]:
        """Delete a file (or a folder with what it holds); return the paths deleted."""
        ...

    def paths(self, include: Sequence[str] = (), exclude: Sequence[str] = ()) -> list[str]:
        """The paths of the files matching ``include`` globs (all when empty), not ``exclude``."""
        ...


class ExecutionQueries(Protocol):
    """Executions as tasks may read, count and purge them (the notifications' ``*Execution``
    tasks, ``execution.Count``, ``PurgeExecutions``)."""

    def get(self, execution_id: str) -> dict[str, Any] | None:
        """Kestra's ``Execution`` object (with its ``taskRunList``), or None when unknown."""
        ...

    def count(
        self,
        namespace: str,
        flow_id: str | None,
        states: Sequence[State] | None,
        start: datetime,
        end: datetime | None,
    ) -> int:
        """How many executions of a flow (or of a namespace) started in ``[start, end)``."""
        ...

    def purge(
        self,
        namespace: str | None,
        flow_id: str | None,
        states: Sequence[State] | None,
        start: datetime | None,
        end: datetime,
        *,
        executions: bool,
        logs: bool,
        metrics: bool,
        storage: bool,
    ) -> dict[str, int]:
        """Delete the matching executions' records; how many of each kind went."""
        ...


class FlowSources(Protocol):
    """Deployed flows as the GitOps tasks read and write them (``git.SyncFlows``,
    ``git.PushFlows``)."""

    def sources(self, namespace: str, *, children: bool = False) -> list[tuple[str, str, str]]:
        """``(namespace, id, YAML source)`` of each current flow of ``namespace`` (and of the
        namespaces under it with ``children``), by namespace then id."""
        ...

    def deploy(self, source: str) -> tuple[str, str, int]:
        """Check and store a flow's YAML as its next revision; its namespace, id and revision.

        Raises:
            TaskFailure: The source is not a valid flow; the message names the problems.
        """
        ...

    def delete(self, namespace: str, flow_id: str) -> None:
        """Delete a flow (and its triggers).

        Raises:
            TaskFailure: No such flow.
        """
        ...


class Triggers(Protocol):
    """Flow triggers as tasks may switch them on and off (``trigger.Toggle``)."""

    def set_enabled(self, namespace: str, flow_id: str, trigger_id: str, enabled: bool) -> None:
        """Enable or disable a trigger of a flow.

        Raises:
            TaskFailure: No such flow, or the flow has no such trigger.
        """
        ...


class RunContext(Protocol):
    """What a runnable task receives from the worker that runs it."""

    @property
    def variables(self) -> Mapping[str, Any]:
        """The variables expressions see (``flow``, ``execution``, ``outputs``, ...)."""
        ...

    @property
    def logger(self) -> TaskLogger:
        """This task run's logger."""
        ...

    @property
    def files(self) -> FileStore:
        """The internal storage."""
        ...

    def render(self, value: Any, extra: Mapping[str, Any] | None = None) -> Any:
        """Render a property: strings, and lists and maps recursively; ``extra`` variables
        (``count`` for ``execution.Count``, say) are added to the usual ones."""
        ...

    def render_as(self, value: Any, kind: type[T]) -> T:
        """Render a property and coerce the result to ``kind`` (int, bool, timedelta, ...)."""
        ...

    def kv(self, namespace: str | None = None) -> KeyValues:
        """A namespace's KV store (the flow's namespace by default)."""
        ...

    def namespace_files(self, namespace: str | None = None) -> NamespaceFileStore:
        """A namespace's files (the flow's namespace by default)."""
        ...

    def kv_stores(self) -> KeyValueStores:
        """The KV store of every namespace at once."""
        ...

    def executions(self) -> ExecutionQueries:
        """Count and purge executions."""
        ...

    def triggers(self) -> Triggers:
        """Switch flow triggers on and off."""
        ...

    def flows(self) -> FlowSources:
        """Read, deploy and delete flows."""
        ...

    def parse_task(self, source: str) -> Any:
        """A task from its YAML, validated against the installed plugins.

        Raises:
            TaskFailure: the YAML is not a valid task; the message names the problems.
        """
        ...

    def metric(self, name: str, value: float, *, kind: str = "counter",
               tags: Mapping[str, str] | None = None) -> None:  # fmt: skip
        """Record a counter or a timer."""
        ...

    def working_dir(self) -> Path:
        """A directory private to this task run, created on first use."""
        ...

    def process_env(self) -> dict[str, str]:
        """The environment a process the task starts begins with: ``PATH``, ``HOME``, the
        locale and what the operator allows; never the server's settings or secrets. The task
        adds its own variables to it."""
        ...

    def allowed_path(self, path: str) -> bool:
        """Whether the worker's configuration lets tasks use this local path (Kestra's
        ``allowed-paths``), once symbolic links and ``..`` are resolved. A task that reads or
        writes local paths outside its working directory must refuse a path that is not."""
        ...

    def now(self) -> datetime:
        """The current time."""
        ...

    def sleep(self, seconds: float) -> None:
        """Wait, returning early when the task run is killed."""
        ...

    @property
    def killed(self) -> threading.Event:
        """Set when the task run is killed or times out: a task that runs long (a process,
        a poll) watches it and stops."""
        ...

    def execution_logs(
        self,
        execution_id: str | None = None,
        task_ids: Sequence[str] | None = None,
        min_level: LogLevel = LogLevel.INFO,
    ) -> list[dict[str, Any]]:
        """The stored log lines of an execution (this one by default), oldest first, each as
        Kestra's LogEntry fields (``taskId``, ``level``, ``message``, ``timestamp``...)."""
        ...


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a task returns when it ends in another state than SUCCESS (WARNING, say)."""

    outputs: Mapping[str, Any] | Output = field(default_factory=dict)
    state: State = State.SUCCESS


class TaskFailure(Exception):
    """Raised by a task to fail with a message and no traceback in the logs.

    Args:
        message: What went wrong, logged at ERROR.
        outputs: Outputs the failed run still has (a script's exit code, say), kept on the
            task run as Kestra keeps them.
    """

    def __init__(self, message: str, outputs: Mapping[str, Any] | Output | None = None) -> None:
        super().__init__(message)
        self.outputs: Mapping[str, Any] | Output = outputs or {}
