"""The worker: runs one attempt of a task run with a ``RunContext`` and reports its result.

One component, used the same way by the executor's threads (``flow test``, ``server local``)
and by a worker process of a shared backend: it keeps the kill switches of the task runs it
runs, writes their attempts to the journal, stores their metrics and keeps their outputs to
size.
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
from tiercel.runtime.journal import RunJournal
from tiercel.runtime.logbook import Logbook, LogVolume
from tiercel.runtime.outputs import spill_outputs
from tiercel.runtime.services import (
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
from tiercel.storage.records import LogQuery, MetricEntry, MetricType
from tiercel.storage.secrets import SecretKeyError

FlowFinder = Callable[[str, str, int | None], Flow | None]
"""Finds a flow by namespace, id and revision (the current one for None)."""

RunFinder = Callable[[str, str], TaskRun | None]
"""Finds a task run by execution id and task run id."""


def stored_run(services: Services) -> RunFinder:
    """Task runs as the store has them."""

    def find(execution_id: str, run_id: str) -> TaskRun | None:
        # That one row, not the whole execution: it may have ten thousand task runs.
        found = services.executions.runs([run_id])
        return next((run for run in found if run.execution_id == execution_id), None)

    return find


class TaskWorker:
    """Runs task runs handed to this process.

    Args:
        services: The stores tasks borrow from.
        logbook: Where the task runs' lines go.
        find_flow: The flows tasks that toggle triggers look up.
        owner_run: The task run owning a shared working directory.
        journal: Where attempts that begin here are written, for the recovery after a crash.
        keep_metrics: Whether metrics are kept in memory for the ``Finished`` report.
    """

    def __init__(
        self,
        services: Services,
        logbook: Logbook,
        find_flow: FlowFinder,
        owner_run: RunFinder,
        *,
        journal: RunJournal | None = None,
        keep_metrics: bool = False,
    ) -> None:
        self.services = services
        self.logbook = logbook
        self.journal = journal
        self.metrics: list[Metric] = []
        self.work_root = Path(tempfile.gettempdir())
        """Where working directories of task runs are made."""
        self._find_flow = find_flow
        self._owner_run = owner_run
        self._keep_metrics = keep_metrics
        self._lock = threading.Lock()
        self._kill_switches: dict[str, threading.Event] = {}
        self._deployed: set[tuple[str, str]] = set()

    def running(self) -> list[str]:
        """The task runs running here now."""
        with self._lock:
            return list(self._kill_switches)

    def kill(self, run_ids: Sequence[str]) -> None:
        """Tell the task runs of ``run_ids`` running here to stop."""
        for run_id in run_ids:
            switch = self._kill_switches.get(run_id)
            if switch is not None:
                switch.set()

    def deployed_flow(self, namespace: str, flow_id: str) -> Flow | None:
        """A flow this worker knows, its triggers given their records the first time."""
        flow = self._find_flow(namespace, flow_id, None)
        if flow is not None and flow.triggers and (namespace, flow_id) not in self._deployed:
            deploy_triggers(self.services.triggers, flow, self.services.clock())
            self._deployed.add((namespace, flow_id))
        return flow

    def run(self, execution_id: str, command: RunTask) -> TaskResult:
        """Run one attempt of a task run here; store its metrics; its result."""
        run = command.run
        killed = threading.Event()
        volume = LogVolume()
        try:
            ctx = self._context(execution_id, run, command.variables, killed, volume)
        except SecretKeyError as exc:
            self.logbook.executor_line(
                execution_id, run, LogLevel.ERROR, f"A SECRET input cannot be read: {exc}"
            )
            return TaskResult(run.id, State.FAILED)
        with self._lock:
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
            with self._lock:
                self._kill_switches.pop(run.id, None)
        if result.outputs and ctx.known_secrets:
            # What a task returns is stored, shown and rendered by later tasks: no secret in it.
            result = replace(result, outputs=ctx.known_secrets.mask_value(result.outputs))
        limits = self.logbook.limits
        if volume.dropped_lines:
            self.logbook.task_line(
                execution_id,
                run,
                LogLevel.WARN,
                f"{volume.dropped_lines} log lines ({volume.dropped_bytes} bytes) were dropped: "
                f"a task run may log {limits.log_bytes_per_task_run} bytes",
                None,
            )
        if result.outputs:

            def warn(message: str) -> None:
                self.logbook.task_line(execution_id, run, LogLevel.WARN, message, None)

            outputs = spill_outputs(
                self.services.storage, run, result.outputs, limits.output_bytes, warn
            )
            if outputs is not result.outputs:  # most are within the limit, kept as they are
                result = replace(result, outputs=outputs)
        if self.journal is not None:
            # A run stopped by a kill (or a shutdown, which leaves it to the next start) has
            # no result to keep.
            self.journal.ended(run.id, None if killed.is_set() else result)
        # The task's lines are stored before its result is told: the final state comes after.
        self.logbook.writer.sync()
        if ctx.metrics:
            self._store_metrics(execution_id, run, ctx.metrics)
        return result

    def _store_metrics(self, execution_id: str, run: TaskRun, metrics: list[Metric]) -> None:
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
            for metric in metrics
        )
        if self._keep_metrics:
            with self._lock:
                self.metrics.extend(metrics)

    def _shared_directory(self, execution_id: str, command: RunTask) -> Path:
        """The directory of the flowable that ``command`` runs inside, prepared on first use."""
        directory = command.directory
        assert directory is not None
        path = self.work_root / directory.owner_run_id
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
        volume: LogVolume | None = None,
    ) -> WorkerRunContext:
        counted = volume or LogVolume()
        services = self.services

        def sink(level: LogLevel, message: str) -> None:
            self.logbook.task_line(execution_id, run, level, message, counted)

        variables, revealed = reveal_secrets(variables, services.cipher)
        return WorkerRunContext(
            variables=variables,
            masker=services.masker.with_secrets(revealed),
            task_env=services.task_env,
            allowed_paths=services.allowed_paths,
            sink=sink,
            files=TaskFiles(services.storage, run),
            kv_store=lambda namespace: NamespaceKeyValues(services.kv, namespace, services.clock),
            namespace_store=lambda namespace: NamespaceFileAdapter(
                StorageNamespaceFiles(services.storage), namespace
            ),
            task_parser=services.task_parser,
            queries=StoredExecutions(services),
            kv_admin=StoredKeyValues(services),
            trigger_switch=StoredTriggers(services, self.deployed_flow),
            flow_sources=StoredFlows(services),
            clock=services.clock,
            namespace=run.namespace,
            functions={
                **services.functions,
                "errorLogs": lambda: self._read_logs(execution_id, None, LogLevel.ERROR),
                "kv": kv_function(services, run.namespace),
                "read": read_function(services, run.namespace),
            },
            killed=killed,
            work_root=self.work_root,
            log_reader=lambda wanted, task_ids, level: self._read_logs(
                wanted or execution_id, task_ids, level
            ),
        )

    def _read_logs(
        self, execution_id: str, task_ids: Sequence[str] | None, level: LogLevel
    ) -> list[dict[str, Any]]:
        self.logbook.writer.sync()
        lines = self.services.logs.find(LogQuery(execution_id=execution_id, min_level=level))
        wanted = set(task_ids) if task_ids else None
        return [line.to_kestra_json() for line in lines if wanted is None or line.task_id in wanted]
