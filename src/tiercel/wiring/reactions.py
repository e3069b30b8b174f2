"""What an execution's change of state sets off in a server process."""

import logging
import queue
import time

from tiercel.model.execution import Execution
from tiercel.runtime.flow_triggers import FlowTriggers
from tiercel.runtime.scheduler import Scheduler

_log = logging.getLogger("tiercel.server")


class Reactions:
    """What an execution's change of state sets off (schedules unlocked at its end, flow
    triggers), done on a thread of its own, off the executor's path."""

    def __init__(self) -> None:
        self._listeners: tuple[Scheduler, FlowTriggers] | None = None
        self._changes: queue.SimpleQueue[tuple[Execution, bool] | None] = queue.SimpleQueue()

    def attach(self, scheduler: Scheduler, flow_triggers: FlowTriggers) -> None:
        """Tell ``scheduler`` of ends and ``flow_triggers`` of every change."""
        self._listeners = (scheduler, flow_triggers)

    def put(self, execution: Execution, *, ended: bool) -> None:
        """An execution changed (``ended``, or not)."""
        if self._listeners is not None:
            self._changes.put((execution, ended))

    def close(self) -> None:
        """Stop ``serve`` once the changes before are handled."""
        self._changes.put(None)

    def serve(self) -> None:
        """Handle changes until closed, in rounds: those that came meanwhile, then a pause.

        A change put while the thread waits wakes it, which costs the executor's thread (the
        one that puts) more than the change's handling: under load, one wake-up a round
        instead of one a change. A reaction comes at most ``_ROUND`` seconds later.
        """
        while (change := self._changes.get()) is not None:
            while change is not None:
                self._handle(*change)
                # Not kept while the thread waits for the next change: an execution holds
                # its trigger's body and its outputs, megabytes at times, and an idle server
                # would keep the last one for good.
                del change
                try:
                    change = self._changes.get_nowait()
                except queue.Empty:
                    break
            else:
                return  # closed
            time.sleep(_ROUND)

    def _handle(self, execution: Execution, ended: bool) -> None:
        assert self._listeners is not None
        scheduler, flow_triggers = self._listeners
        try:
            if ended:
                scheduler.execution_ended(execution)
            flow_triggers.execution_changed(execution)
        except Exception:  # one bad trigger must not stop the others
            _log.exception("reacting to the change of %s failed", execution.id)


_ROUND = 0.01
"""The pause between two rounds of changes (seconds)."""
