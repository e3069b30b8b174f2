"""dbt's JSON log lines (``--log-format json``) turned into task log lines, as Kestra's
``DbtLogConsumer`` does: each at dbt's own level, written
``[Date: <ts>] [Thread: <thread>] [Type: <event>] <message>``; the run's statistics become
metrics, and a warning makes the task end in WARNING. A line that is not dbt JSON (a before
command's output, dbt's text format) is logged as it is, at INFO.
"""

import json
import re
from collections.abc import Mapping
from typing import Any

from tiercel.plugins.scripts.log_consumer import LogConsumer
from tiercel.sdk import RunContext

__all__ = ["DbtLogConsumer", "format_event"]

_ANSI = re.compile(r"\x1b\[[0-9;]*m")
# What Kestra leaves out of the extra fields it appends to a message.
_OMITTED = frozenset(
    {
        "category",
        "code",
        "invocation_id",
        "level",
        "log_version",
        "msg",
        "thread",
        "thread_name",
        "type",
        "name",
        "ts",
        "pid",
        "extra",
    }
)


def format_event(event: Mapping[str, Any]) -> tuple[str, str] | None:
    """The level and message of one dbt JSON log event, or None when it is not one.

    dbt 1.5 and later nest the header under ``info``; older versions put it at the top.
    """
    header = event.get("info") if isinstance(event.get("info"), dict) else event
    if not isinstance(header, dict) or "level" not in header:
        return None
    ts = header.get("ts")
    thread = header.get("thread") if "info" in event else header.get("thread_name")
    kind = header.get("name") if "info" in event else header.get("type")
    msg = _ANSI.sub("", str(header.get("msg") or ""))
    extra = {k: v for k, v in header.items() if k not in _OMITTED} if "info" in event else {}
    message = f"[Date: {ts}] [Thread: {thread}] [Type: {kind}] {msg}"
    if extra:
        message += f" {extra}"
    return str(header.get("level") or "error").lower(), message.rstrip()


class DbtLogConsumer(LogConsumer):
    """Receives what dbt prints: JSON events become log lines at their level."""

    def __init__(self, ctx: RunContext) -> None:
        super().__init__(ctx)
        self.warning_detected = False
        """A dbt event at level warn was seen: the task ends in WARNING."""

    def log_line(self, line: str, is_std_err: bool) -> None:
        """Log one dbt event, or the raw line when it is not one."""
        text = line.strip()
        event: Any = None
        if text.startswith("{"):
            try:
                event = json.loads(text)
            except ValueError:
                event = None
        found = format_event(event) if isinstance(event, dict) else None
        logger = self._ctx.logger
        if found is None:
            logger.info(_ANSI.sub("", text))
            return
        level, message = found
        data = event.get("data")
        stats = data.get("stats") if isinstance(data, dict) else None
        if isinstance(stats, dict):
            for name, count in stats.items():
                if isinstance(count, int | float) and not isinstance(count, bool):
                    self._ctx.metric(str(name), float(count))
        if level in ("debug", "trace"):
            logger.debug(message)
        elif level == "info":
            logger.info(message)
        elif level in ("warn", "warning"):
            self.warning_detected = True
            logger.warn(message)
        else:
            logger.error(message)
