"""Running task runs in this process: their context, log lines, metrics and kill switches.

``TaskHost`` is what every process that runs tasks shares: the local runner, the server's
executor (which runs its workers as threads), and a worker process of a shared backend.
"""

import json
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
from tiercel.runtime.journal import RunJournal
from tiercel.runtime.log_writer import LogWriter
from tiercel.runtime.services import (
    LogLine,
    RunLimits,
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
        self.limits = RunLimits()
        self.journal: RunJournal | None = None
        """Where the attempts that begin here are written, for the recovery after a crash."""
        self._log_writer = LogWriter(services.logs)

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
        volume = _LogVolume()
        try:
            ctx = self._context(execution_id, run, command.variables, killed, volume)
        except SecretKeyError as exc:
            self._log(execution_id, run, LogLevel.ERROR, f"A SECRET input cannot be read: {exc}")
            return TaskResult(run.id, State.FAILED)
        self._kill_switches[run.id] = killed
        if self.journal is not None:
            self.journal.started(run.id, len(run.attempts))
        try:
            if command.directory is not None:
                ctx.shared_dir = self._shared_directory(execution_id, command)
            result = run_task(command, ctx)
        except BaseException:
            if self.journal is not None:
                self.journal.ended(run.id)
            raise
        finally:
            self._kill_switches.pop(run.id, None)
        if result.outputs and ctx.known_secrets:
            # What a task returns is stored, shown and rendered by later tasks: no secret in it.
            result = replace(result, outputs=ctx.known_secrets.mask_value(result.outputs))
        if volume.dropped_lines:
            self._task_log(
                execution_id,
                run,
                LogLevel.WARN,
                f"{volume.dropped_lines} log lines ({volume.dropped_bytes} bytes) were dropped: "
                f"a task run may log {self.limits.log_bytes_per_task_run} bytes",
                None,
            )
        if result.outputs:
            result = replace(result, outputs=self._spill_outputs(execution_id, run, result.outputs))
        if self.journal is not None:
            # A run stopped by a kill (or a shutdown, which leaves it to the next start) has
            # no result to keep.
            self.journal.ended(run.id, None if killed.is_set() else result)
        # The task's lines are stored before its result is told: the final state comes after.
        self._log_writer.sync()
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

    def _spill_outputs(
        self, execution_id: str, run: TaskRun, outputs: dict[str, Any]
    ) -> dict[str, Any]:
        """Outputs small enough to be stored with the task run: the largest values of
        outputs over the limit go to internal storage, their URI in their place."""
        limit = self.limits.output_bytes
        if _json_size(outputs) <= limit:
            return outputs
        files = TaskFiles(self.services.storage, run)

        def shrink(value: dict[str, Any], path: str) -> dict[str, Any]:
            sizes = {key: _json_size(item) for key, item in value.items()}
            result = dict(value)
            total = sum(sizes.values())
            for key in sorted(sizes, key=sizes.__getitem__, reverse=True):
                if total <= limit:
                    break
                item = value[key]
                name = f"{path}.{key}" if path else str(key)
                if isinstance(item, dict) and sizes[key] > limit:
                    result[key] = shrink(item, name)
                else:
                    uri = files.put(f"output-{name}.json", json.dumps(item).encode())
                    result[key] = uri
                    self._task_log(
                        execution_id,
                        run,
                        LogLevel.WARN,
                        f"Output '{name}' ({sizes[key]} bytes as JSON) is over the limit of "
                        f"{limit} bytes: it is stored as {uri}",
                        None,
                    )
                total -= sizes[key] - _json_size(result[key])
            return result

        return shrink(outputs, "")

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
        volume: "_LogVolume | None" = None,
    ) -> WorkerRunContext:
        counted = volume or _LogVolume()

        def sink(level: LogLevel, message: str) -> None:
            self._task_log(execution_id, run, level, message, counted)

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
        self._log_writer.sync()
        lines = self.services.logs.find(LogQuery(execution_id=execution_id, min_level=level))
        wanted = set(task_ids) if task_ids else None
        return [line.to_kestra_json() for line in lines if wanted is None or line.task_id in wanted]

    def _log(self, execution_id: str, run: TaskRun | None, level: LogLevel, message: str) -> None:
        """A line of the executor's (few, and stored with the step that logged them)."""
        entry = self._entry(execution_id, run, level, message)
        with self._lock:
            self._unsaved_logs.append(entry)

    def _task_log(
        self,
        execution_id: str,
        run: TaskRun,
        level: LogLevel,
        message: str,
        volume: "_LogVolume | None",
    ) -> None:
        """A line a task logged: cut to size, counted, handed to the log writer."""
        limit = self.limits.log_line_chars
        if len(message) > limit:
            message = f"{message[:limit]}... [truncated: {len(message) - limit} more characters]"
        if volume is not None:
            size = len(message.encode("utf-8", errors="replace"))
            if volume.bytes + size > self.limits.log_bytes_per_task_run:
                volume.dropped_lines += 1
                volume.dropped_bytes += size
                return
            volume.bytes += size
        self._log_writer.put(self._entry(execution_id, run, level, message))

    def _entry(
        self, execution_id: str, run: TaskRun | None, level: LogLevel, message: str
    ) -> LogEntry:
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
        if self._keep_results:
            with self._lock:
                self._logs.append(line)
        if self.on_log is not None:
            self.on_log(line)
        return entry

    def _flush_logs(self) -> None:
        """Store the executor's lines (on the executor's thread, with its steps)."""
        with self._lock:
            batch, self._unsaved_logs = self._unsaved_logs, []
        if batch:
            self.services.logs.append(batch)


class _LogVolume:
    """What one task run has logged, against its limit."""

    __slots__ = ("bytes", "dropped_bytes", "dropped_lines")

    def __init__(self) -> None:
        self.bytes = 0
        self.dropped_lines = 0
        self.dropped_bytes = 0


def _json_size(value: Any) -> int:
    return len(json.dumps(value, default=str))
