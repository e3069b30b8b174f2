"""Flow concurrency in the runtime: it counts the slots in use and carries out what the
engine's ``admit`` answers; queued executions start, oldest first, as slots free.

Queued executions are stored QUEUED, so a restarted executor finds them again.
"""

from collections.abc import Callable
from datetime import datetime

from tiercel.engine.admission import Admission, admit, free_slots
from tiercel.model.execution import Execution
from tiercel.model.flow import Flow
from tiercel.model.state import State
from tiercel.runtime.held import Held


class Slots:
    """The concurrency slots of the flows of the executions ``held``."""

    def __init__(self, held: Held, on_missing_flow: Callable[[str], None]) -> None:
        self._held = held
        self.on_missing_flow = on_missing_flow
        """Told of an execution whose flow is not deployed."""
        self._starting: set[str] = set()
        """Queued executions given a slot, whose start the engine has not applied yet."""

    def running(self, flow: Flow) -> int:
        """Executions of ``flow`` holding a slot: started and not terminated, or given one."""
        return sum(
            1
            for view in self._held
            if view.execution.namespace == flow.namespace
            and view.execution.flow_id == flow.id
            and not view.execution.state.current.is_terminated
            and (
                view.execution.state.current is not State.QUEUED
                or view.execution.id in self._starting
            )
        )

    def admit(self, flow: Flow, execution: Execution, now: datetime) -> Admission:
        """The engine's answer for a new execution of ``flow``."""
        # Counted only under a limit: counting walks every held execution.
        running = 0 if flow.concurrency is None else self.running(flow)
        return admit(flow.concurrency, execution, running, now)

    def to_start(self, flow: Flow) -> list[str]:
        """The queued executions of ``flow`` to start now, oldest first, each counted as
        running from now on (the next end frees no slot twice)."""
        if flow.concurrency is None:
            return []  # nothing of it is ever queued
        self._starting = {
            execution_id
            for execution_id in self._starting
            if (view := self._held.get(execution_id)) is not None
            and view.execution.state.current is State.QUEUED
        }
        free = free_slots(flow.concurrency, self.running(flow))
        if not free:
            return []
        queued = self._held.services.executions.find(
            namespace=flow.namespace, flow_id=flow.id, states=[State.QUEUED.value]
        )
        chosen: list[str] = []
        for execution_id in queued:
            if len(chosen) >= free:
                break
            if execution_id in self._starting:
                continue
            if self._held.load(execution_id, self.on_missing_flow) is not None:
                self._starting.add(execution_id)
                chosen.append(execution_id)
        return chosen
