"""What the API, the scheduler and webhooks need of whoever executes flows.

The runtime's server executor provides it; the wiring hands it over, so the API never imports
the runtime (one process can be an API server only, over a shared backend).
"""

import threading
import time
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any, Protocol

from tiercel.engine import Event
from tiercel.model.execution import Execution, ExecutionTrigger
from tiercel.model.flow import Flow
from tiercel.model.labels import Label
from tiercel.storage.ports import ExecutionStore


class ExecutionRunner(Protocol):
    """Creates executions and delivers events to them."""

    def create(
        self,
        flow: Flow,
        inputs: Mapping[str, Any] | None = None,
        labels: tuple[Label, ...] = (),
        *,
        trigger: ExecutionTrigger | None = None,
        schedule_date: datetime | None = None,
    ) -> Execution:
        """Create an execution of ``flow`` and start (or queue) it.

        Raises:
            InputError: the inputs are refused; no execution was created.
        """
        ...

    def send(self, execution_id: str, event: Event) -> None:
        """Apply ``event`` (a kill, a resume, a restart) to a stored execution."""
        ...


class EndWaiter(Protocol):
    """Lets a request wait for an execution to end."""

    def wait(self, execution_id: str, timeout: float) -> Execution | None:
        """The execution once it has ended, or None if it has not within ``timeout``."""
        ...


class EndSignal:
    """Lets threads wait for executions to end: the executor calls ``ended``."""

    def __init__(self, load: Callable[[str], Execution | None] | None = None) -> None:
        self._changed = threading.Condition()
        self._ended: dict[str, Execution | None] = {}
        self._load = load
        """With it, only the ids of ended executions are kept, and a waiter reads its
        execution back: an ended execution's inputs, trigger body and outputs (megabytes,
        some of them) are not held in memory for waiters that may never come."""

    def ended(self, execution: Execution) -> None:
        """Record that ``execution`` ended and wake those waiting for it."""
        with self._changed:
            self._ended[execution.id] = None if self._load is not None else execution
            if len(self._ended) > 10_000:  # only recent ends matter to waiters
                for key in list(self._ended)[:5_000]:
                    del self._ended[key]
            self._changed.notify_all()

    def wait(self, execution_id: str, timeout: float) -> Execution | None:
        """The execution once it has ended, or None if it has not within ``timeout``."""
        with self._changed:
            if not self._changed.wait_for(lambda: execution_id in self._ended, timeout):
                return None
            ended = self._ended.get(execution_id)
        if ended is None and self._load is not None:
            return self._load(execution_id)
        return ended


class StoredEnds:
    """Waits for executions to end by reading the store: for a process with no executor
    (an API server over a shared backend), which hears of no end as it happens."""

    def __init__(self, executions: ExecutionStore, *, every: float = 0.05) -> None:
        self._executions = executions
        self._every = every

    def wait(self, execution_id: str, timeout: float) -> Execution | None:
        """The execution once it has ended, or None if it has not within ``timeout``."""
        deadline = time.monotonic() + timeout
        while True:
            execution = self._executions.get(execution_id)
            if execution is not None and execution.state.current.is_terminated:
                return execution
            if time.monotonic() >= deadline:
                return None
            time.sleep(self._every)
