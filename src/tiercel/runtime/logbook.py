"""The log lines of one process: the executor's own (stored with the step that logged them)
and those of the task runs it runs (cut to size and written by the log writer)."""

import threading
from collections.abc import Callable

from tiercel.model.execution import TaskRun
from tiercel.model.task import LogLevel
from tiercel.runtime.log_writer import LogWriter
from tiercel.runtime.services import LogLine, RunLimits, Services
from tiercel.storage.records import LogEntry


class LogVolume:
    """What one task run has logged, against its limit."""

    __slots__ = ("bytes", "dropped_bytes", "dropped_lines")

    def __init__(self) -> None:
        self.bytes = 0
        self.dropped_lines = 0
        self.dropped_bytes = 0


class Logbook:
    """Masks, stores and (for ``flow test``) keeps every line this process logs.

    Args:
        services: The stores; their masker hides known secrets.
        flow_of: The namespace and flow id of an execution, for lines about no task run.
        on_log: Called with every line (``flow test`` prints them).
        keep: Whether lines are kept in memory for the ``Finished`` report.
        limits: How long a line and how much one task run may log.
    """

    def __init__(
        self,
        services: Services,
        flow_of: Callable[[str], tuple[str, str]],
        *,
        on_log: Callable[[LogLine], None] | None = None,
        keep: bool = False,
        limits: RunLimits | None = None,
    ) -> None:
        self.services = services
        self.limits = limits or RunLimits()
        self.kept: list[LogLine] = []
        self._flow_of = flow_of
        self._on_log = on_log
        self._keep = keep
        self._lock = threading.Lock()
        self._unsaved: list[LogEntry] = []
        self.writer = LogWriter(services.logs)

    def executor_line(
        self, execution_id: str, run: TaskRun | None, level: LogLevel, message: str
    ) -> None:
        """A line of the executor's (few): stored by the next ``flush``."""
        entry = self._entry(execution_id, run, level, message)
        with self._lock:
            self._unsaved.append(entry)

    def task_line(
        self,
        execution_id: str,
        run: TaskRun,
        level: LogLevel,
        message: str,
        volume: LogVolume | None,
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
        self.writer.put(self._entry(execution_id, run, level, message))

    def flush(self) -> None:
        """Store the executor's lines (on the executor's thread, with its steps)."""
        with self._lock:
            batch, self._unsaved = self._unsaved, []
        if batch:
            self.services.logs.append(batch)

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
        if self._keep:
            with self._lock:
                self.kept.append(line)
        if self._on_log is not None:
            self._on_log(line)
        return entry


def stored_flow_of(services: Services) -> Callable[[str], tuple[str, str]]:
    """The namespace and flow id of a stored execution (empty when it is gone)."""

    def flow_of(execution_id: str) -> tuple[str, str]:
        execution = services.executions.get(execution_id)
        return ("", "") if execution is None else (execution.namespace, execution.flow_id)

    return flow_of
