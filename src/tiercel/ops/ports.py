"""What the API, the scheduler and webhooks need of whoever executes flows.

The runtime's server executor provides it; the wiring hands it over, so the API never imports
the runtime (one process can be an API server only, over a shared backend).
"""

import asyncio
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

    async def wait_async(self, execution_id: str, timeout: float) -> Execution | None:
        """``wait`` for an event loop: no thread is held while the execution runs."""
        ...


class EndSignal:
    """Lets threads wait for executions to end: the executor calls ``ended``."""

    def __init__(self, load: Callable[[str], Execution | None] | None = None) -> None:
        self._changed = threading.Condition()
        self._ended: dict[str, Execution | None] = {}
        self._listeners: dict[str, list[Callable[[Execution], None]]] = {}
        """Those waiting on an event loop, by execution id: each is handed the execution
        itself, so that it need not be read back."""
        self._load = load
        """With it, only the ids of ended executions are kept, and a waiter reads its
        execution back: an ended execution's inputs, trigger body and outputs (megabytes,
        some of them) are not held in memory for waiters that may never come."""

    def ended(self, execution: Execution) -> None:
        """Record that ``execution`` ended and wake those waiting for it."""
        with self._changed:
            listeners = self._listeners.pop(execution.id, ())
            self._ended[execution.id] = None if self._load is not None else execution
            if len(self._ended) > 10_000:  # only recent ends matter to waiters
                for key in list(self._ended)[:5_000]:
                    del self._ended[key]
            self._changed.notify_all()
        for listener in listeners:
            listener(execution)

    def wait(self, execution_id: str, timeout: float) -> Execution | None:
        """The execution once it has ended, or None if it has not within ``timeout``."""
        with self._changed:
            if not self._changed.wait_for(lambda: execution_id in self._ended, timeout):
                return None
            ended = self._ended.get(execution_id)
        if ended is None and self._load is not None:
            return self._load(execution_id)
        return ended

    async def wait_async(self, execution_id: str, timeout: float) -> Execution | None:
        """``wait`` for an event loop: the waiter holds no thread (a server waits for
        thousands of webhook calls at once, and the loop's thread pool has a handful), and
        one end wakes only its own waiters."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Execution] = loop.create_future()

        def deliver(execution: Execution) -> None:
            loop.call_soon_threadsafe(_settle, future, execution)

        with self._changed:
            # Under the lock: either the end is recorded already, or it will find ``deliver``.
            seen = execution_id in self._ended
            if seen:
                ended = self._ended[execution_id]
            else:
                self._listeners.setdefault(execution_id, []).append(deliver)
        if seen:
            if ended is None and self._load is not None:
                return await asyncio.to_thread(self._load, execution_id)
            return ended
        try:
            return await asyncio.wait_for(future, timeout)
        except TimeoutError:
            return None
        finally:
            with self._changed:
                waiting = self._listeners.get(execution_id)
                if waiting is not None and deliver in waiting:
                    waiting.remove(deliver)
                    if not waiting:
                        del self._listeners[execution_id]


def _settle(future: "asyncio.Future[Execution]", execution: Execution) -> None:
    if not future.done():  # not given up on meanwhile
        future.set_result(execution)


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

    async def wait_async(self, execution_id: str, timeout: float) -> Execution | None:
        """``wait`` for an event loop: a thread reads the store, none sleeps between reads."""
        deadline = time.monotonic() + timeout
        while True:
            execution = await asyncio.to_thread(self._executions.get, execution_id)
            if execution is not None and execution.state.current.is_terminated:
                return execution
            if time.monotonic() >= deadline:
                return None
            await asyncio.sleep(self._every)
