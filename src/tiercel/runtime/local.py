"""An executor and a pool of worker threads in one process, for ``tiercel flow test``.

Events for every execution go through one queue; the executor thread applies each with the
engine and records the resulting changes before it hands runnable tasks to the workers.
"""

import queue
import threading
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from tiercel.engine import (
    Event,
    ExecutionEnded,
    ExecutionView,
    KillRuns,
    RunTask,
    SetTimer,
    Start,
    advance,
)
from tiercel.model.execution import Execution, ExecutionMetadata, RunState, TaskRun
from tiercel.model.flow import Flow
from tiercel.model.labels import Label
from tiercel.model.state import State
from tiercel.model.task import LogLevel
from tiercel.runtime.context import Metric, WorkerRunContext
from tiercel.runtime.ids import new_id
from tiercel.runtime.worker import run_task
from tiercel.sdk import FileStore, KeyValues


@dataclass(frozen=True, slots=True)
class LogLine:
    """One line a task run logged."""

    execution_id: str
    task_run_id: str | None
    task_id: str | None
    level: LogLevel
    message: str
    timestamp: datetime


@dataclass
class Services:
    """What workers lend to tasks: files, KV stores, secrets, the clock."""

    files: FileStore
    kv: Callable[[str], KeyValues]
    functions: Mapping[str, Callable[..., Any]] = field(default_factory=dict)
    clock: Callable[[], datetime] = lambda: datetime.now(UTC)


@dataclass
class Finished:
    """An execution at its end, with its task runs, logs and metrics."""

    execution: Execution
    task_runs: list[TaskRun]
    logs: list[LogLine]
    metrics: list[Metric]


class LocalRunner:
    """Runs executions to their end with a pool of worker threads."""

    def __init__(
        self,
        services: Services,
        *,
        threads: int = 4,
        on_log: Callable[[LogLine], None] | None = None,
    ) -> None:
        self.services = services
        self.threads = threads
        self.on_log = on_log
        self._events: queue.Queue[tuple[str, Event]] = queue.Queue()
        self._lock = threading.Lock()
        self._logs: list[LogLine] = []
        self._metrics: list[Metric] = []
        self._kill_switches: dict[str, threading.Event] = {}

    def execute(
        self,
        flow: Flow,
        inputs: dict[str, Any] | None = None,
        labels: tuple[Label, ...] = (),
    ) -> Finished:
        """Create an execution of ``flow`` and run it until it ends (or pauses)."""
        now = self.services.clock()
        execution = Execution.model_construct(
            id=new_id(),
            namespace=flow.namespace,
            flow_id=flow.id,
            flow_revision=flow.revision or 1,
            state=RunState.start(State.CREATED, now),
            inputs=inputs or {},
            outputs=None,
            labels=(*(flow.labels or ()), *labels),
            variables=None,
            parent_id=None,
            original_id=None,
            trigger=None,
            metadata=ExecutionMetadata.model_construct(attempt_number=1, original_created_date=now),
            schedule_date=None,
            deleted=False,
        )
        view = ExecutionView(flow, execution)
        with ThreadPoolExecutor(self.threads, thread_name_prefix="tiercel-worker") as pool:
            self._events.put((execution.id, Start()))
            self._loop(view, pool)
        return Finished(view.execution, view.task_runs(), self._logs, self._metrics)

    def _loop(self, view: ExecutionView, pool: ThreadPoolExecutor) -> None:
        while True:
            _, event = self._events.get()
            step = advance(view, event, self.services.clock(), new_id)
            for run_id, level, message in step.logs:
                self._log(view.execution.id, view.runs.get(run_id or ""), LogLevel(level), message)
            ended = False
            for command in step.commands:
                if isinstance(command, RunTask):
                    pool.submit(self._work, view.execution.id, command)
                elif isinstance(command, KillRuns):
                    for run_id in command.task_run_ids:
                        switch = self._kill_switches.get(run_id)
                        if switch is not None:
                            switch.set()
                elif isinstance(command, SetTimer):
                    self._set_timer(view.execution.id, command)
                elif isinstance(command, ExecutionEnded):
                    ended = True
            if ended or view.execution.state.current is State.PAUSED:
                return

    def _set_timer(self, execution_id: str, command: SetTimer) -> None:
        delay = (command.at - self.services.clock()).total_seconds()
        timer = threading.Timer(max(0.0, delay), self._events.put, [(execution_id, command.event)])
        timer.daemon = True
        timer.start()

    def _work(self, execution_id: str, command: RunTask) -> None:
        run = command.run
        killed = threading.Event()
        self._kill_switches[run.id] = killed

        def sink(level: LogLevel, message: str) -> None:
            self._log(execution_id, run, level, message)

        ctx = WorkerRunContext(
            variables=command.variables,
            sink=sink,
            files=self.services.files,
            kv_store=self.services.kv,
            clock=self.services.clock,
            namespace=run.namespace,
            functions=self.services.functions,
            killed=killed,
        )
        try:
            result = run_task(command, ctx)
        finally:
            self._kill_switches.pop(run.id, None)
        with self._lock:
            self._metrics.extend(ctx.metrics)
        self._events.put((execution_id, result))

    def _log(self, execution_id: str, run: TaskRun | None, level: LogLevel, message: str) -> None:
        line = LogLine(
            execution_id,
            run.id if run else None,
            run.task_id if run else None,
            level,
            message,
            self.services.clock(),
        )
        with self._lock:
            self._logs.append(line)
        if self.on_log is not None:
            self.on_log(line)
