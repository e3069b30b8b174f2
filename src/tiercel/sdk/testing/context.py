"""``TestRunContext``: a complete ``RunContext`` in memory, to unit-test a task without a
worker, a database or a server."""

import os
import shutil
import tempfile
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

from tiercel.expr import Environment, render_value
from tiercel.model.task import LogLevel
from tiercel.sdk.allowed_paths import path_allowed
from tiercel.sdk.coercion import coerce
from tiercel.sdk.run_context import (
    ExecutionQueries,
    FlowSources,
    KeyValueStores,
    TaskFailure,
    Triggers,
)
from tiercel.sdk.testing.stores import (
    MemoryFiles,
    MemoryKeyValues,
    MemoryLogger,
    MemoryNamespaceFiles,
)

T = TypeVar("T")

FIXED_NOW = datetime(2026, 1, 1, tzinfo=UTC)
"""The time a test run starts at, unless told otherwise: tests do not depend on the clock."""

_LOG_ORDER = list(LogLevel)


@dataclass(frozen=True, slots=True)
class Metric:
    """A counter or timer a task recorded."""

    name: str
    value: float
    kind: str
    tags: Mapping[str, str]


class TestRunContext:
    """A ``RunContext`` whose stores are in memory and whose clock stands still.

    Args:
        inputs: The execution's ``inputs``.
        variables: More variables (``outputs`` of earlier tasks, ``vars``, ``trigger``...),
            over the ones made up for the run (``flow``, ``execution``, ``task``, ``taskrun``).
        namespace: The flow's namespace.
        flow_id: The flow's id.
        task_id: The task's id, as ``task.id`` shows it.
        files: Files already in internal storage: ``kestra://`` URI to content.
        kv: KV entries by namespace.
        namespace_files: Namespace files by namespace, path to content.
        secrets: What ``secret(key)`` returns.
        now: The time of the run; ``sleep`` moves it forward.
        work_dir: The working directory; a new temporary one, removed by ``close``, if None.
        executions, triggers, flows, kv_stores: The stores the few tasks that administer
            Tiercel use; calling one that was not given fails the task.
        task_parser: What ``parse_task`` uses: the registry's, given by a test that needs it.
        allowed_paths: The local folders ``allowed_path`` lets the task use.
    """

    __test__ = False  # not a pytest test class, despite its name

    def __init__(
        self,
        *,
        inputs: Mapping[str, Any] | None = None,
        variables: Mapping[str, Any] | None = None,
        namespace: str = "company.team",
        flow_id: str = "test",
        task_id: str = "task",
        files: Mapping[str, bytes] | None = None,
        kv: Mapping[str, Mapping[str, Any]] | None = None,
        namespace_files: Mapping[str, Mapping[str, bytes]] | None = None,
        secrets: Mapping[str, str] | None = None,
        now: datetime = FIXED_NOW,
        work_dir: Path | None = None,
        executions: ExecutionQueries | None = None,
        triggers: Triggers | None = None,
        flows: FlowSources | None = None,
        kv_stores: KeyValueStores | None = None,
        task_parser: Callable[[str], Any] | None = None,
        allowed_paths: Sequence[str] = (),
    ) -> None:
        self.namespace = namespace
        self.clock = now
        execution_id = "testexecution0000001"
        run_id = "testtaskrun000000001"
        self._variables: dict[str, Any] = {
            "flow": {"id": flow_id, "namespace": namespace, "revision": 1},
            "execution": {"id": execution_id, "startDate": now.isoformat()},
            "task": {"id": task_id, "type": ""},
            "taskrun": {"id": run_id, "startDate": now.isoformat(), "attemptsCount": 0},
            "inputs": dict(inputs or {}),
            "outputs": {},
            "labels": {},
            "envs": {},
            "globals": {},
            **(variables or {}),
        }
        prefix = "/".join(namespace.split("."))
        folder = f"kestra:///{prefix}/{flow_id}/executions/{execution_id}/tasks/{task_id}/{run_id}"
        self._logger = MemoryLogger()
        self._files = MemoryFiles(folder, dict(files or {}))
        self.kv_values: dict[str, dict[str, Any]] = {ns: dict(v) for ns, v in (kv or {}).items()}
        self.namespace_contents: dict[str, dict[str, bytes]] = {
            ns: {path.lstrip("/"): data for path, data in given.items()}
            for ns, given in (namespace_files or {}).items()
        }
        self.secrets = dict(secrets or {})
        self.metrics: list[Metric] = []
        self._killed = threading.Event()
        self._own_dir = work_dir is None
        self._work_dir = work_dir
        self._executions, self._triggers = executions, triggers
        self._flows, self._kv_stores = flows, kv_stores
        self._task_parser = task_parser
        self.allowed_paths = tuple(allowed_paths)
        self._environment = Environment(
            functions={"secret": self._secret, "kv": self._kv, "read": self._read},
            clock=lambda: self.clock,
        )

    # The RunContext protocol

    @property
    def variables(self) -> Mapping[str, Any]:
        """The variables expressions see."""
        return self._variables

    @property
    def logger(self) -> MemoryLogger:
        """The logger, which keeps every line in ``lines``."""
        return self._logger

    @property
    def files(self) -> MemoryFiles:
        """Internal storage, in ``files.content``."""
        return self._files

    def render(self, value: Any, extra: Mapping[str, Any] | None = None) -> Any:
        """Render a property as a worker does."""
        variables = {**self._variables, **extra} if extra else self._variables
        return render_value(value, variables, env=self._environment)

    def render_as(self, value: Any, kind: type[T]) -> T:
        """Render a property and coerce it to ``kind``."""
        result: T = coerce(self.render(value), kind)
        return result

    def kv(self, namespace: str | None = None) -> MemoryKeyValues:
        """A namespace's KV store (the flow's by default)."""
        return MemoryKeyValues(self.kv_values.setdefault(namespace or self.namespace, {}))

    def namespace_files(self, namespace: str | None = None) -> MemoryNamespaceFiles:
        """A namespace's files (the flow's by default)."""
        where = namespace or self.namespace
        return MemoryNamespaceFiles(self.namespace_contents.setdefault(where, {}))

    def kv_stores(self) -> KeyValueStores:
        """The KV stores of every namespace, when the test gave them."""
        return _given(self._kv_stores, "kv_stores")

    def executions(self) -> ExecutionQueries:
        """Stored executions, when the test gave them."""
        return _given(self._executions, "executions")

    def triggers(self) -> Triggers:
        """Flow triggers, when the test gave them."""
        return _given(self._triggers, "triggers")

    def flows(self) -> FlowSources:
        """Deployed flows, when the test gave them."""
        return _given(self._flows, "flows")

    def parse_task(self, source: str) -> Any:
        """A task from its YAML, with the parser the test gave."""
        if self._task_parser is None:
            raise TaskFailure("TestRunContext was given no task_parser")
        return self._task_parser(source)

    def metric(self, name: str, value: float, *, kind: str = "counter",
               tags: Mapping[str, str] | None = None) -> None:  # fmt: skip
        """Keep a metric in ``metrics``."""
        self.metrics.append(Metric(name, value, kind, dict(tags or {})))

    def working_dir(self) -> Path:
        """The run's directory, made on first use."""
        if self._work_dir is None:
            self._work_dir = Path(tempfile.mkdtemp(prefix="tiercel-test-"))
        return self._work_dir

    def process_env(self) -> dict[str, str]:
        """``PATH``, ``HOME`` and the locale of the test process, nothing else."""
        keep = ("PATH", "HOME", "LANG", "LC_ALL", "TZ")
        return {name: os.environ[name] for name in keep if name in os.environ}

    def allowed_path(self, path: str) -> bool:
        """Whether ``path`` lies under one of ``allowed_paths`` (none by default), by the
        worker's own rule."""
        return path_allowed(path, self.allowed_paths)

    def now(self) -> datetime:
        """The run's clock: still, except for ``sleep``."""
        return self.clock

    def sleep(self, seconds: float) -> None:
        """Move the clock forward at once (no test waits)."""
        if not self._killed.is_set():
            self.clock += timedelta(seconds=max(0.0, seconds))

    @property
    def killed(self) -> threading.Event:
        """Set it to kill the run."""
        return self._killed

    def execution_logs(
        self,
        execution_id: str | None = None,
        task_ids: Sequence[str] | None = None,
        min_level: LogLevel = LogLevel.INFO,
    ) -> list[dict[str, Any]]:
        """This run's own lines at or above ``min_level``, as Kestra's LogEntry fields."""
        task_id = self._variables["task"]["id"]
        if task_ids is not None and task_id not in task_ids:
            return []
        floor = _LOG_ORDER.index(min_level)
        return [
            {
                "taskId": task_id,
                "level": line.level.value,
                "message": line.message,
                "timestamp": self.clock.isoformat(),
            }
            for line in self._logger.lines
            if _LOG_ORDER.index(line.level) >= floor
        ]

    def close(self) -> None:
        """Remove the working directory if this context made it."""
        if self._own_dir and self._work_dir is not None:
            shutil.rmtree(self._work_dir, ignore_errors=True)
            self._work_dir = None

    # Expression functions

    def _secret(self, key: str) -> str:
        try:
            return self.secrets[key]
        except KeyError:
            raise ValueError(f"Cannot find secret for key '{key}'") from None

    def _kv(self, key: str, namespace: str | None = None, errorOnMissing: bool = False) -> Any:
        where = namespace or self.namespace
        values = self.kv_values.get(where, {})
        if key not in values and errorOnMissing:
            raise ValueError(f"The key '{key}' does not exist in the namespace '{where}'.")
        return values.get(key)

    def _read(self, path: str) -> str:
        text = str(path)
        if text.startswith("kestra://"):
            return self._files.read_bytes(text).decode()
        return self.namespace_files().read(text).decode()


def _given(service: T | None, name: str) -> T:
    if service is None:
        raise TaskFailure(f"TestRunContext was given no {name}")
    return service
