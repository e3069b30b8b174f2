"""Running task runs in this process: their context, log lines, metrics and kill switches.

``TaskHost`` is what every process that runs tasks shares: the local runner, the server's
executor (which runs its workers as threads), and a worker process of a shared backend.
"""

import tempfile
import threading
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from tiercel.engine import RunTask, TaskResult
from tiercel.model.execution import TaskRun
from tiercel.model.flow import Flow
from tiercel.model.state import State
from tiercel.model.task import LogLevel
from tiercel.ops.flows import deploy_triggers
from tiercel.runtime.adapters import NamespaceFileAdapter, NamespaceKeyValues, TaskFiles
from tiercel.runtime.context import Metric, WorkerRunContext
from tiercel.runtime.flow_sources import StoredFlows
from tiercel.runtime.services import (
    LogLine,
    Services,
    StoredExecutions,
    StoredKeyValues,
    StoredTriggers,
    kv_function,
    read_function,
    reveal_secrets,
)
from tiercel.runtime.worker import run_task
from tiercel.sdk import FlowableTask
from tiercel.storage.namespace_files import StorageNamespaceFiles
from tiercel.storage.records import LogEntry, LogQuery, MetricEntry, MetricType
from tiercel.storage.secrets import SecretKeyError


class TaskHost:
    """Runs task runs handed to this process and keeps what they report."""

    def __init__(self, services: Services, *, on_log: Callable[[LogLine], None] | None) -> None:
        self.services = services
        self.on_log = on_log
        self._lock = threading.Lock()
        self._logs: list[LogLine] = []
        self._metrics: list[Metric] = []
        self._kill_switches: dict[str, threading.Event] = {}
        self._unsaved_logs: list[LogEntry] = []
        self._work_root = Path(tempfile.gettempdir())
        self._deployed: set[tuple[str, str]] = set()
        self._keep_results = True
        """Whether log lines and metrics are kept in memory for the ``Finished`` report."""

    # --- what subclasses tell ---------------------------------------------------------------

    def _flow(self, namespace: str, flow_id: str, revision: int | None = None) -> Flow | None:
        """The flow of that id (at that revision; the current one for None)."""
        return None

    def _owner_run(self, execution_id: str, run_id: str) -> TaskRun | None:
        """A task run of an execution (the owner of a shared working directory, say)."""
        stored = self.services.executions.load(execution_id)
        if stored is None:
            return None
        return next((run for run in stored[1] if run.id == run_id), None)

    def _flow_of(self, execution_id: str) -> tuple[str, str]:
        """The namespace and flow id of an execution, for log lines not about a task run."""
        execution = self.services.executions.get(execution_id)
        return ("", "") if execution is None else (execution.namespace, execution.flow_id)

    # --- running ----------------------------------------------------------------------------

    def kill_runs(self, run_ids: Sequence[str]) -> None:
        """Tell the task runs of ``run_ids`` running here to stop."""
        for run_id in run_ids:
            switch = self._kill_switches.get(run_id)
            if switch is not None:
                switch.set()

    def _deployed_flow(self, namespace: str, flow_id: str) -> Flow | None:
        """A flow this host knows, its triggers given their records the first time."""
        flow = self._flow(namespace, flow_id)
        if flow is not None and flow.triggers and (namespace, flow_id) not in self._deployed:
            deploy_triggers(self.services.triggers, flow, self.services.clock())
            self._deployed.add((namespace, flow_id))
        return flow

    def _run_task(self, execution_id: str, command: RunTask) -> TaskResult:
        """Run one attempt of a task run here; store its metrics; its result."""
        run = command.run
        killed = threading.Event()
        try:
            ctx = self._context(execution_id, run, command.variables, killed)
        except SecretKeyError as exc:
            self._log(execution_id, run, LogLevel.ERROR, f"A SECRET input cannot be read: {exc}")
            return TaskResult(run.id, State.FAILED)
        self._kill_switches[run.id] = killed
        if command.directory is not None:
            ctx.shared_dir = self._shared_directory(execution_id, command)
        try:
            result = run_task(command, ctx)
        finally:
            self._kill_switches.pop(run.id, None)
        if result.outputs and ctx.known_secrets:
            # What a task returns is stored, shown and rendered by later tasks: no secret in it.
            result = replace(result, outputs=ctx.known_secrets.mask_value(result.outputs))
        if ctx.metrics:
            now = self.services.clock()
            self.services.metrics.append(
                MetricEntry(
                    namespace=run.namespace,
                    flow_id=run.flow_id,
                    type=MetricType(metric.kind),
                    name=metric.name,
                    value=metric.value,
                    timestamp=now,
                    task_id=run.task_id,
                    execution_id=execution_id,
                    task_run_id=run.id,
                    tags=dict(metric.tags),
                )
                for metric in ctx.metrics
            )
            if self._keep_results:
                with self._lock:
                    self._metrics.extend(ctx.metrics)
        return result

    def _shared_directory(self, execution_id: str, command: RunTask) -> Path:
        """The directory of the flowable that ``command`` runs inside, prepared on first use."""
        directory = command.directory
        assert directory is not None
        path = self._work_root / directory.owner_run_id
        with self._lock:
            fresh = not path.exists()
            path.mkdir(parents=True, exist_ok=True)
        if fresh and isinstance(directory.owner, FlowableTask):
            owner_run = self._owner_run(execution_id, directory.owner_run_id)
            if owner_run is not None:
                owner_ctx = self._context(
                    execution_id, owner_run, directory.owner_variables, threading.Event()
                )
                owner_ctx.shared_dir = path
                directory.owner.prepare(owner_ctx)
        return path

    def _context(
        self,
        execution_id: str,
        run: TaskRun,
        variables: dict[str, Any],
        killed: threading.Event,
    ) -> WorkerRunContext:
        def sink(level: LogLevel, message: str) -> None:
            self._log(execution_id, run, level, message)

        variables, revealed = reveal_secrets(variables, self.services.cipher)
        return WorkerRunContext(
            variables=variables,
            masker=self.services.masker.with_secrets(revealed),
            task_env=self.services.task_env,
            sink=sink,
            files=TaskFiles(self.services.storage, run),
            kv_store=lambda namespace: NamespaceKeyValues(
                self.services.kv, namespace, self.services.clock
            ),
            namespace_store=lambda namespace: NamespaceFileAdapter(
                StorageNamespaceFiles(self.services.storage), namespace
            ),
            task_parser=self.services.task_parser,
            queries=StoredExecutions(self.services),
            kv_admin=StoredKeyValues(self.services),
            trigger_switch=StoredTriggers(self.services, self._deployed_flow),
            flow_sources=StoredFlows(self.services),
            clock=self.services.clock,
            namespace=run.namespace,
            functions={
                **self.services.functions,
                "errorLogs": lambda: self._read_logs(execution_id, None, LogLevel.ERROR),
                "kv": kv_function(self.services, run.namespace),
                "read": read_function(self.services, run.namespace),
            },
            killed=killed,
            work_root=self._work_root,
            log_reader=lambda wanted, task_ids, level: self._read_logs(
                wanted or execution_id, task_ids, level
            ),
        )

    # --- log lines --------------------------------------------------------------------------

    def _read_logs(
        self, execution_id: str, task_ids: Sequence[str] | None, level: LogLevel
    ) -> list[dict[str, Any]]:
        self._flush_logs()
        lines = self.services.logs.find(LogQuery(execution_id=execution_id, min_level=level))
        wanted = set(task_ids) if task_ids else None
        return [line.to_kestra_json() for line in lines if wanted is None or line.task_id in wanted]

    def _log(self, execution_id: str, run: TaskRun | None, level: LogLevel, message: str) -> None:
        message = self.services.masker.mask(message)
        line = LogLine(
            execution_id,
            run.id if run else None,
            run.task_id if run else None,
            level,
            message,
            self.services.clock(),
        )
        namespace, flow_id = (
            (run.namespace, run.flow_id) if run is not None else self._flow_of(execution_id)
        )
        entry = LogEntry(
            namespace=namespace,
            flow_id=flow_id,
            timestamp=line.timestamp,
            level=line.level,
            message=message,
            task_id=line.task_id,
            execution_id=execution_id,
            task_run_id=line.task_run_id,
            attempt_number=len(run.attempts) if run and run.attempts else None,
        )
        with self._lock:
            if self._keep_results:
                self._logs.append(line)
            self._unsaved_logs.append(entry)
        if self.on_log is not None:
            self.on_log(line)

    def _flush_logs(self) -> None:
        with self._lock:
            batch, self._unsaved_logs = self._unsaved_logs, []
        if batch:
            self.services.logs.append(batch)
