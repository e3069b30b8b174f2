"""What the runtime works with: the backends it stores to and lends tasks, and what it reports."""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from tiercel.model.catalog import TypeCatalog
from tiercel.model.execution import Execution, TaskRun
from tiercel.model.flow import Flow
from tiercel.model.secrets import Masker, map_encrypted
from tiercel.model.state import State
from tiercel.model.task import LogLevel
from tiercel.ops.executions import store_input_file
from tiercel.runtime.context import Metric
from tiercel.runtime.environment import default_task_env
from tiercel.sdk import TaskFailure
from tiercel.storage.namespace_files import StorageNamespaceFiles
from tiercel.storage.ports import (
    ExecutionStore,
    FlowStore,
    InternalStorage,
    KVStore,
    LogStore,
    MetricStore,
    TriggerStore,
)
from tiercel.storage.secrets import SecretCipher, SecretKeyError
from tiercel.storage.uris import execution_uri


@dataclass(frozen=True, slots=True)
class LogLine:
    """One line a task run (or the executor, for it) logged."""

    execution_id: str
    task_run_id: str | None
    task_id: str | None
    level: LogLevel
    message: str
    timestamp: datetime


@dataclass(frozen=True, slots=True)
class RunLimits:
    """What one task run may produce before it is cut short.

    Attributes:
        log_line_chars: The longest log line stored; a longer one is truncated, with a marker.
        log_bytes_per_task_run: The log volume one task run may write; the lines past it are
            dropped, and one WARN line says how many.
        output_bytes: The largest outputs (as JSON) a task run stores with its state; larger
            values go to internal storage, their ``kestra://`` URI in their place.
    """

    log_line_chars: int = 64 * 1024
    log_bytes_per_task_run: int = 10 * 1024 * 1024
    output_bytes: int = 1024 * 1024


@dataclass
class Services:
    """Where state lives, and what workers lend to tasks: internal storage, the KV store,
    secrets, the clock."""

    storage: InternalStorage
    kv: KVStore
    executions: ExecutionStore
    logs: LogStore
    metrics: MetricStore
    triggers: TriggerStore
    flows: FlowStore
    catalog: TypeCatalog | None = None
    """The plugin types, to check the flows tasks deploy (``git.SyncFlows``)."""
    functions: Mapping[str, Callable[..., Any]] = field(default_factory=dict)
    clock: Callable[[], datetime] = lambda: datetime.now(UTC)
    task_parser: Callable[[str], Any] | None = None
    """Reads a task from YAML (TemplatedTask); the wiring gives one using the registry."""
    envs: Mapping[str, str] = field(default_factory=dict)
    """``{{ envs.x }}``: the server's environment variables Kestra exposes (``ENV_X``)."""
    globals: Mapping[str, Any] = field(default_factory=dict)
    """``{{ globals.x }}``: variables set in the server's configuration."""
    cipher: SecretCipher | None = None
    """Encrypts SECRET inputs at rest; without one they are stored as given (tests only: the
    wiring always gives one)."""
    masker: Masker = field(default_factory=Masker)
    """The server's known secret values (``secret()``'s), masked in every log line and output."""
    task_env: Callable[[], dict[str, str]] = field(default_factory=lambda: default_task_env)
    """The environment a task's process starts from."""
    allowed_paths: tuple[str, ...] = ()
    """The local folders file tasks may use beyond their working directory (Kestra's
    ``allowed-paths``)."""

    def seal(self) -> Callable[[str], Any] | None:
        """How a SECRET input's value is stored: encrypted with ``cipher``."""
        return None if self.cipher is None else self.cipher.encrypt

    release_memory: Callable[[], None] = lambda: None
    """Lets the backend give back the memory it caches (an idle server calls it)."""

    def store_input_file(self, execution: Execution, input_id: str, value: Any) -> str:
        """Upload a FILE input given as a local path; return its ``kestra://`` URI."""
        return store_input_file(self.storage, execution, input_id, value)


@dataclass
class Finished:
    """An execution at its end, with its task runs, and everything the run logged."""

    execution: Execution
    task_runs: list[TaskRun]
    logs: list[LogLine]
    metrics: list[Metric]
    executions: dict[str, Execution] = field(default_factory=dict)
    """Every execution the run created, subflow executions included, by id."""
    outputs: dict[str, Any] = field(default_factory=dict)
    """The task outputs as expressions see them (nested by loop values)."""


def kv_function(services: Services, flow_namespace: str) -> Callable[..., Any]:
    """``kv(key, namespace, errorOnMissing)``: a value of the KV store in expressions."""

    def kv(
        key: str,
        namespace: str | None = None,
        errorOnMissing: bool = False,
    ) -> Any:
        where = namespace or flow_namespace
        entry = services.kv.get(where, key, now=services.clock())
        if entry is None and errorOnMissing:
            raise ValueError(f"The key '{key}' does not exist in the namespace '{where}'.")
        return None if entry is None else entry.value

    return kv


def read_function(services: Services, flow_namespace: str) -> Callable[[str], str]:
    """``read(path)``: a ``kestra://`` file, or a namespace file of the flow's namespace."""
    files = StorageNamespaceFiles(services.storage)

    def read(path: str) -> str:
        text = str(path)
        if text.startswith("kestra://"):
            return services.storage.read_bytes(text).decode()
        return files.read(flow_namespace, text).decode()

    return read


class StoredExecutions:
    """``ExecutionQueries`` on the runtime's stores."""

    def __init__(self, services: Services) -> None:
        self._services = services

    def get(self, execution_id: str) -> dict[str, Any] | None:
        loaded = self._services.executions.load(execution_id)
        return None if loaded is None else loaded[0].to_kestra_json(loaded[1])

    def count(
        self,
        namespace: str,
        flow_id: str | None,
        states: Sequence[State] | None,
        start: datetime,
        end: datetime | None,
    ) -> int:
        found = self._services.executions.find(
            namespace=namespace,
            flow_id=flow_id,
            states=[s.value for s in states] if states else None,
            created_after=start,
            created_before=end,
        )
        return len(found)

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
        store = self._services.executions
        ids = store.find(
            namespace=namespace,
            flow_id=flow_id,
            states=[s.value for s in states] if states else None,
            created_after=start,
            created_before=end,
            namespace_prefix=flow_id is None,
        )
        counts = {"executionsCount": 0, "logsCount": 0, "metricsCount": 0, "storagesCount": 0}
        for execution_id in ids:
            loaded = store.load(execution_id)
            if loaded is None:
                continue
            record = loaded[0]
            if logs:
                counts["logsCount"] += self._services.logs.delete_by_execution(execution_id)
            if metrics:
                counts["metricsCount"] += self._services.metrics.delete_by_execution(execution_id)
            if storage:
                prefix = execution_uri(record.namespace, record.flow_id, execution_id)
                counts["storagesCount"] += len(self._services.storage.delete_prefix(prefix))
        if executions:
            counts["executionsCount"] = store.delete(ids)
        return counts


class StoredKeyValues:
    """``KeyValueStores`` on the runtime's KV store."""

    def __init__(self, services: Services) -> None:
        self._services = services

    def purge(
        self,
        *,
        namespaces: Sequence[str] | None,
        namespace_pattern: str | None,
        include_child_namespaces: bool,
        key_pattern: str | None,
        expired_only: bool,
    ) -> int:
        return self._services.kv.purge(
            now=self._services.clock(),
            namespaces=namespaces,
            namespace_pattern=namespace_pattern,
            include_child_namespaces=include_child_namespaces,
            key_pattern=key_pattern,
            expired_only=expired_only,
        )


class StoredTriggers:
    """``Triggers`` on the trigger store, for the flows ``find_flow`` knows."""

    def __init__(self, services: Services, find_flow: Callable[[str, str], Flow | None]) -> None:
        self._services = services
        self._find_flow = find_flow

    def set_enabled(self, namespace: str, flow_id: str, trigger_id: str, enabled: bool) -> None:
        if self._find_flow(namespace, flow_id) is None:
            raise TaskFailure(f"Unable to find flow {namespace}.{flow_id}")
        store = self._services.triggers
        record = store.get(namespace, flow_id, trigger_id)
        if record is None:
            flow = f"{namespace}.{flow_id}"
            raise TaskFailure(f"Unable to find trigger {trigger_id} for the flow {flow}")
        store.save(replace(record, disabled=not enabled, updated_at=self._services.clock()))


_REVEALED = ("inputs", "trigger")
"""Where encrypted values are in a task's variables: its execution's SECRET inputs, and an
upstream execution's (a Flow trigger's ``trigger.inputs``); and the ``onResume`` outputs of a
Pause."""


def reveal_secrets(
    variables: dict[str, Any], cipher: SecretCipher | None
) -> tuple[dict[str, Any], list[str]]:
    """``variables`` with the encrypted values decrypted, for a task to render; and the clear
    values, to mask in what the task logs and returns.

    Raises:
        SecretKeyError: a value was encrypted with another key.
    """
    if cipher is None:
        return variables, []
    revealed: list[str] = []

    def decrypt(sealed: Mapping[str, Any]) -> str:
        clear = cipher.decrypt(sealed)
        revealed.append(clear)
        return clear

    def open_(value: Any) -> Any:
        return map_encrypted(value, decrypt)

    opened = dict(variables)
    for name in _REVEALED:
        if name in opened:
            opened[name] = open_(opened[name])
    outputs = opened.get("outputs")
    if isinstance(outputs, dict) and _holds_resume_inputs(outputs):
        # A Pause's SECRET onResume inputs, stored encrypted in its outputs.
        opened["outputs"] = {
            task_id: {**value, "onResume": open_(value["onResume"])}
            if isinstance(value, dict) and "onResume" in value
            else value
            for task_id, value in outputs.items()
        }
    return (opened, revealed) if revealed else (variables, [])


def _holds_resume_inputs(outputs: dict[str, Any]) -> bool:
    # A plain loop, not any() over a generator (a frame resumed per item): this runs for every
    # task run, over every output of its execution so far.
    for value in outputs.values():  # noqa: SIM110
        if isinstance(value, dict) and "onResume" in value:
            return True
    return False


def executor_reveal(
    cipher: SecretCipher | None,
) -> Callable[[dict[str, Any]], dict[str, Any]] | None:
    """How the executor decrypts the SECRET values of what it evaluates itself (an ``If``'s
    condition, a ``Switch``'s value, ``runIf``); None without a cipher.

    A value encrypted with another key is left as stored: the task that uses it fails with the
    reason when a worker decrypts it.
    """
    if cipher is None:
        return None

    def reveal(variables: dict[str, Any]) -> dict[str, Any]:
        try:
            return reveal_secrets(variables, cipher)[0]
        except SecretKeyError:
            return variables

    return reveal
