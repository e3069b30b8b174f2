"""What a script prints: log lines, and Kestra's ``::{...}::`` line protocol.

A line that is exactly ``::{json}::`` carries outputs (merged into the task's ``vars``),
metrics and log lines; any other line is logged, stdout at INFO and stderr at ERROR, as Kestra's
``PluginUtilsService.parseOut`` does.
"""

import json
import re
import threading
from collections import deque
from datetime import timedelta
from typing import Any

from pydantic import TypeAdapter, ValidationError

from tiercel.sdk import Duration, LogLevel, RunContext

_PROTOCOL = re.compile(r"^::(\{.*\})::$")
_DURATION: TypeAdapter[timedelta] = TypeAdapter(Duration)
_LEVELS = {level.value: level for level in LogLevel}
_TAIL = 50
_TAIL_LINE = 2000
"""The longest line kept in the stderr tail that error messages quote."""


class LogConsumer:
    """Receives each line a process prints, from its reader threads, and keeps the counts."""

    def __init__(self, ctx: RunContext) -> None:
        self._ctx = ctx
        self._lock = threading.Lock()
        self.outputs: dict[str, Any] = {}
        self.std_out_count = 0
        self.std_err_count = 0
        self.std_err_tail: deque[str] = deque(maxlen=_TAIL)
        """The last lines printed on stderr, for error messages."""

    def accept(self, line: str, is_std_err: bool, *, dropped: int = 0) -> None:
        """Log one line (without its line break) or act on the protocol it carries.

        ``dropped`` bytes of the line were too many to be read: the line is logged truncated,
        and a protocol line so long is refused.
        """
        with self._lock:
            if is_std_err:
                self.std_err_count += 1
                self.std_err_tail.append(line[:_TAIL_LINE])
            else:
                self.std_out_count += 1
            if dropped:
                if line.startswith("::{"):
                    self._ctx.logger.warn(
                        f"An outputs line of more than {len(line.encode()) + dropped} bytes "
                        "was ignored: write large outputs to a file listed in outputFiles"
                    )
                    return
                line = f"{line}... [truncated: {dropped} more bytes]"
            match = _PROTOCOL.match(line)
            if match is None:
                self.log_line(line, is_std_err)
                return
            try:
                self._handle(json.loads(match.group(1)))
            except (ValueError, TypeError, AttributeError, KeyError) as exc:
                self._ctx.logger.warn(f"Invalid outputs '{exc}'")

    def log_line(self, line: str, is_std_err: bool) -> None:
        """Log a line that carries no outputs: stdout at INFO, stderr at ERROR. A family whose
        tool prints structured lines (dbt's JSON logs) overrides this."""
        logger = self._ctx.logger
        (logger.error if is_std_err else logger.info)(line)

    def _handle(self, data: dict[str, Any]) -> None:
        outputs = data.get("outputs")
        if isinstance(outputs, dict):
            self.outputs.update(outputs)
        for metric in data.get("metrics") or []:
            self._metric(metric)
        for entry in data.get("logs") or []:
            level = _LEVELS.get(str(entry.get("level", "INFO")).upper(), LogLevel.INFO)
            _log_at(self._ctx, level, str(entry.get("message", "")))

    def _metric(self, metric: dict[str, Any]) -> None:
        kind = str(metric.get("type", "counter")).lower()
        value = metric.get("value")
        try:
            number = (
                _DURATION.validate_python(value).total_seconds()
                if kind == "timer"
                else float(value)  # type: ignore[arg-type]
            )
        except (ValidationError, TypeError, ValueError):
            self._ctx.logger.warn(f"Invalid metric '{json.dumps(metric)}'")
            return
        tags = {str(key): str(tag) for key, tag in (metric.get("tags") or {}).items()}
        self._ctx.metric(str(metric["name"]), number, kind=kind, tags=tags)


def _log_at(ctx: RunContext, level: LogLevel, message: str) -> None:
    logger = ctx.logger
    {
        LogLevel.TRACE: logger.trace,
        LogLevel.DEBUG: logger.debug,
        LogLevel.INFO: logger.info,
        LogLevel.WARN: logger.warn,
        LogLevel.ERROR: logger.error,
    }[level](message)
