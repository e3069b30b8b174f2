"""What a server's console says of executions, as Kestra's standalone server does: the start
and end of each; and the listeners told of their changes, kept from stopping the executor."""

import logging
from collections.abc import Callable
from datetime import timedelta

from tiercel.model.execution import Execution
from tiercel.model.state import State

_log = logging.getLogger("tiercel.executor")

_STARTS = {
    State.CREATED: "started",
    State.QUEUED: "started",
    State.RESTARTED: "restarted",
    State.PAUSED: "resumed",
}
"""What the console says when an execution runs after each state."""


class ConsoleReport:
    """Logs starts and ends to the console and tells ``on_end`` and ``on_change``."""

    def __init__(
        self,
        on_end: Callable[[Execution], None] | None = None,
        on_change: Callable[[Execution], None] | None = None,
    ) -> None:
        self._on_end = on_end
        self._on_change = on_change

    def ended(self, execution: Execution) -> None:
        """An execution has ended (for good, or to wait)."""
        if execution.state.current.is_terminated:
            _log.info(
                "%s Flow completed with state %s in %s",
                _prefix(execution),
                execution.state.current.value,
                _hms(execution.state.duration),
            )
        if self._on_end is not None:
            try:
                self._on_end(execution)
            except Exception:  # a listener's bug must not stop the executor
                _log.exception("an execution-end listener failed")

    def changed(self, execution: Execution) -> None:
        """An execution changed state; ends are told by ``ended``, once."""
        histories = execution.state.histories
        previous = histories[-2].state if len(histories) > 1 else execution.state.current
        started = _STARTS.get(previous)
        if execution.state.current is State.RUNNING and started:
            _log.info("%s Flow %s", _prefix(execution), started)
        if self._on_change is not None and not execution.state.current.is_terminated:
            try:
                self._on_change(execution)
            except Exception:  # a listener's bug must not stop the executor
                _log.exception("an execution-change listener failed")


def _prefix(execution: Execution) -> str:
    return (
        f"[namespace: {execution.namespace}] [flow: {execution.flow_id}] "
        f"[execution: {execution.id}]"
    )


def _hms(span: timedelta) -> str:
    """A duration as Kestra's console writes it: ``00:01:02.345``."""
    millis = max(0, round(span.total_seconds() * 1000))
    hours, millis = divmod(millis, 3_600_000)
    minutes, millis = divmod(millis, 60_000)
    seconds, millis = divmod(millis, 1000)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}.{millis:03d}"
