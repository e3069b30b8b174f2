"""The worker's ``RunContext``: rendering, logging, files, KV and metrics for one task run."""

import tempfile
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

from tiercel.expr import Environment, render_value
from tiercel.model.secrets import Masker
from tiercel.model.task import LogLevel
from tiercel.runtime.environment import default_task_env
from tiercel.sdk import (
    ExecutionQueries,
    FileStore,
    FlowSources,
    KeyValues,
    KeyValueStores,
    NamespaceFileStore,
    TaskFailure,
    Triggers,
)
from tiercel.sdk.allowed_paths import path_allowed
from tiercel.sdk.coercion import coerce

T = TypeVar("T")

LogSink = Callable[[LogLevel, str], None]


@dataclass(frozen=True, slots=True)
class Metric:
    """A metric a task recorded."""

    name: str
    value: float
    kind: str
    tags: Mapping[str, str]


class Logger:
    """Sends each line to the run's log sink, with secret values masked."""

    def __init__(self, sink: LogSink, masker: Callable[[], Masker]) -> None:
        self._sink = sink
        self._masker = masker

    def _emit(self, level: LogLevel, message: str) -> None:
        self._sink(level, self._masker().mask(message))

    def trace(self, message: str) -> None:
        self._emit(LogLevel.TRACE, message)

    def debug(self, message: str) -> None:
        self._emit(LogLevel.DEBUG, message)

    def info(self, message: str) -> None:
        self._emit(LogLevel.INFO, message)

    def warn(self, message: str) -> None:
        self._emit(LogLevel.WARN, message)

    def error(self, message: str) -> None:
        self._emit(LogLevel.ERROR, message)


@dataclass
class WorkerRunContext:
    """The ``RunContext`` a worker gives a runnable task."""

    variables: Mapping[str, Any]
    sink: LogSink
    files: FileStore
    kv_store: Callable[[str], KeyValues]
    clock: Callable[[], datetime]
    namespace: str
    namespace_store: Callable[[str], NamespaceFileStore] = lambda namespace: _no_files(namespace)
    task_parser: Callable[[str], Any] | None = None
    queries: ExecutionQueries | None = None
    kv_admin: KeyValueStores | None = None
    trigger_switch: Triggers | None = None
    flow_sources: FlowSources | None = None
    work_root: Path | None = None
    shared_dir: Path | None = None
    """The directory a flowable shares with this task, when it runs inside one."""
    functions: Mapping[str, Callable[..., Any]] = field(default_factory=dict)
    killed: threading.Event = field(default_factory=threading.Event)
    log_reader: Callable[[str | None, Sequence[str] | None, LogLevel], list[dict[str, Any]]] = (
        lambda execution_id, task_ids, min_level: []
    )
    metrics: list[Metric] = field(default_factory=list)
    masker: Masker = field(default_factory=Masker)
    """The secret values known so far (the server's, this run's SECRET inputs), masked in
    this run's logs and outputs; each value ``secret()`` reads is added."""
    task_env: Callable[[], dict[str, str]] = default_task_env
    allowed_paths: Sequence[str] = ()
    """The local folders tasks may use (the server's ``allowed-paths``)."""
    _work_dir: Path | None = None

    def __post_init__(self) -> None:
        # The closures hold a one-item list, not the context: a context in no reference cycle
        # is freed as soon as its task ends, without waiting for the cycle collector.
        known = [self.masker]
        functions = dict(self.functions)
        if "secret" in functions:
            lookup = functions["secret"]

            def secret(key: str) -> Any:
                # Every secret the task reads is masked in its logs and outputs from then on.
                value = lookup(key)
                if isinstance(value, str):
                    known[0] = known[0].with_secrets([value])
                return value

            functions["secret"] = secret
        self._known = known
        self._environment = Environment(functions=functions, clock=self.clock)
        self._logger = Logger(self.sink, lambda: known[0])

    @property
    def known_secrets(self) -> Masker:
        """The masker of every secret value known to this run now."""
        return self._known[0]

    def process_env(self) -> dict[str, str]:
        return self.task_env()

    def allowed_path(self, path: str) -> bool:
        return path_allowed(path, self.allowed_paths)

    @property
    def logger(self) -> Logger:
        return self._logger

    def render(self, value: Any, extra: Mapping[str, Any] | None = None) -> Any:
        variables = {**self.variables, **extra} if extra else self.variables
        return render_value(value, variables, env=self._environment)

    def render_as(self, value: Any, kind: type[T]) -> T:
        result: T = coerce(self.render(value), kind)
        return result

    def kv(self, namespace: str | None = None) -> KeyValues:
        return self.kv_store(namespace or self.namespace)

    def namespace_files(self, namespace: str | None = None) -> NamespaceFileStore:
        return self.namespace_store(namespace or self.namespace)

    def kv_stores(self) -> KeyValueStores:
        if self.kv_admin is None:
            raise TaskFailure("the KV store cannot be purged here")
        return self.kv_admin

    def executions(self) -> ExecutionQueries:
        if self.queries is None:
            raise TaskFailure("executions cannot be queried here")
        return self.queries

    def triggers(self) -> Triggers:
        if self.trigger_switch is None:
            raise TaskFailure("triggers cannot be switched here")
        return self.trigger_switch

    def flows(self) -> FlowSources:
        if self.flow_sources is None:
            raise TaskFailure("flows cannot be read or deployed here")
        return self.flow_sources

    def parse_task(self, source: str) -> Any:
        if self.task_parser is None:
            raise TaskFailure("tasks cannot be parsed here")
        return self.task_parser(source)

    def metric(
        self,
        name: str,
        value: float,
        *,
        kind: str = "counter",
        tags: Mapping[str, str] | None = None,
    ) -> None:
        self.metrics.append(Metric(name, float(value), kind, dict(tags or {})))

    def working_dir(self) -> Path:
        if self.shared_dir is not None:
            return self.shared_dir
        if self._work_dir is None:
            self._work_dir = Path(tempfile.mkdtemp(prefix="tiercel-", dir=self.work_root))
        return self._work_dir

    def now(self) -> datetime:
        return self.clock()

    def sleep(self, seconds: float) -> None:
        self.killed.wait(max(0.0, seconds))

    def execution_logs(
        self,
        execution_id: str | None = None,
        task_ids: Sequence[str] | None = None,
        min_level: LogLevel = LogLevel.INFO,
    ) -> list[dict[str, Any]]:
        return self.log_reader(execution_id, task_ids, min_level)


def _no_files(namespace: str) -> NamespaceFileStore:
    raise RuntimeError(f"no namespace files are available here (namespace '{namespace}')")
