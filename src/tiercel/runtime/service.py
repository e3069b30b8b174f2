"""The executor of a server: its loop kept running on a thread of its own, fed from others.

The API, the scheduler and webhooks hand it work through ``create`` and ``send``; everything
that touches the executions it holds runs on its thread. What differs between a server of the
embedded backend and one of a shared backend (a lease to hold, an inbox table to read) comes
in as a ``Guard`` and ``Companion`` threads.
"""

import logging
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any, Protocol, TypeVar

from tiercel.engine import Event
from tiercel.model.execution import Execution, ExecutionTrigger
from tiercel.model.flow import Flow
from tiercel.model.labels import Label
from tiercel.runtime.creation import new_execution
from tiercel.runtime.executor import Executor
from tiercel.runtime.ids import process_id
from tiercel.runtime.memory import release_free_memory
from tiercel.runtime.ports import Call, Create
from tiercel.runtime.task_worker import TaskWorker

_log = logging.getLogger("tiercel.executor")

_IDLE_BEFORE_TRIM = 3.0
"""How long the executor is idle before it gives memory back (in seconds)."""
_TRIM_EVERY = 30.0
"""While idle, how often memory is given back again (in seconds)."""

T = TypeVar("T")


class Guard(Protocol):
    """The right to run: one executor of a shared backend at a time."""

    def acquire(self, halted: threading.Event) -> bool:
        """Wait for the right to run; False when ``halted`` is set first."""
        ...

    def release(self) -> None:
        """Give the right up."""
        ...


class Companion(Protocol):
    """A thread that runs beside the executor's loop (an inbox reader, a lease watcher)."""

    def start(self, halt: Callable[[], None]) -> None:
        """Begin; ``halt`` stops the executor (its lease was lost, say)."""
        ...

    def stop(self, timeout: float) -> None:
        """End, within ``timeout`` seconds."""
        ...


class ExecutorService:
    """Runs ``executor`` on a thread until stopped; task runs of this process run on
    ``worker``.

    Args:
        executor: The loop and its ports.
        worker: The worker of this process's threads (its kill switches and journal).
        recover: What is picked up before serving (on the executor's thread).
        guard: The right to run, waited for at start.
        companions: Threads started once the loop serves, stopped before it.
        service_id: This executor's id; a new one when None.
    """

    def __init__(
        self,
        executor: Executor,
        worker: TaskWorker,
        *,
        recover: Callable[[Executor], None],
        guard: Guard | None = None,
        companions: Sequence[Companion] = (),
        service_id: str | None = None,
    ) -> None:
        self.executor = executor
        self.worker = worker
        self.id = service_id or process_id()
        """This executor's id (the holder of a shared backend's lease)."""
        self._recover = recover
        self._guard = guard
        self._companions = companions
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()
        """Set once ``stop`` is called: a standby start gives up, companions end."""
        self._halted = threading.Event()
        """Stops the loop."""
        self._busy_at = 0.0
        self._ready = threading.Event()
        self._looped = threading.Event()
        self._trimmed_at: float | None = 0.0
        """When memory was last given back; None when a step came since."""

    def start(self) -> None:
        """Wait for the right to run, pick up what a previous process left unfinished, then
        serve on a thread."""
        if self._guard is not None and not self._guard.acquire(self._stopping):
            return
        self._thread = threading.Thread(target=self._serve, name="tiercel-executor", daemon=True)
        self._thread.start()
        self._ready.wait()
        for companion in self._companions:
            companion.start(self._halted.set)

    def stop(self, timeout: float = 30.0) -> None:
        """Stop gracefully: task runs running on this process's threads get up to ``timeout``
        seconds to finish and report; those due to start meanwhile are not started, nor are
        those still running then waited for. They stay RUNNING in the store, and the next
        start hands each a new attempt."""
        self._stopping.set()
        if self._thread is None:
            return  # never started
        for companion in self._companions:
            companion.stop(timeout)
        dispatcher = self.executor.dispatcher
        dispatcher.drain()
        deadline = time.monotonic() + timeout
        while dispatcher.outstanding() and time.monotonic() < deadline:
            time.sleep(0.05)
        self._halted.set()
        self._looped.wait(5.0)
        left = self.worker.running()
        if left:
            _log.warning("%d task runs still running are left for the next start", len(left))
            self.worker.kill(left)  # their processes stop; the loop applies no result now
        self._thread.join(5.0)
        self.executor.logbook.writer.close()
        journal = self.worker.journal
        if journal is not None and not left:
            journal.close()  # nothing began here that the next start must know of
        if self._guard is not None:
            self._guard.release()

    def _serve(self) -> None:
        self.executor.dispatcher.open()
        try:
            self._recover(self.executor)
            self._ready.set()
            self.executor.serve(self._halted.is_set, self._idle)
        finally:
            self._ready.set()
            self._looped.set()
            self.executor.dispatcher.close()

    # --- what other threads ask -----------------------------------------------------------

    def call(self, work: Callable[[], T], timeout: float = 30.0) -> T:
        """Run ``work`` on the executor thread and return its result (or raise its error)."""
        if threading.current_thread() is self._thread:
            return work()  # already on the executor thread: queueing would wait on itself
        call = Call(work, threading.Event())
        self.executor.inbox.put("", call)
        if not call.done.wait(timeout):
            raise TimeoutError("the executor did not answer in time")
        if call.error is not None:
            raise call.error
        result: T = call.result
        return result

    def create(
        self,
        flow: Flow,
        inputs: Mapping[str, Any] | None = None,
        labels: tuple[Label, ...] = (),
        *,
        trigger: ExecutionTrigger | None = None,
        schedule_date: datetime | None = None,
    ) -> Execution:
        """Create an execution of ``flow`` and start it (or queue it, or refuse it, as the
        flow's concurrency says); it is stored when this returns.

        Raises:
            InputError: the inputs are refused; no execution was created.
        """
        given = dict(inputs or {})
        if threading.current_thread() is self._thread:
            return self.executor.create(
                flow, given, labels, trigger=trigger, schedule_date=schedule_date
            )
        # Made here (its inputs resolved, their files stored), admitted and stored by the
        # loop with the other steps of its group, its start among them: one commit, where
        # a call of its own would cost two.
        execution = new_execution(
            self.executor.services,
            flow,
            given,
            labels,
            trigger=trigger,
            schedule_date=schedule_date,
        )
        create = Create(flow, execution, threading.Event())
        self.executor.inbox.put(execution.id, create)
        if not create.done.wait(30.0):
            raise TimeoutError("the executor did not answer in time")
        if create.error is not None:
            raise create.error
        assert create.result is not None
        return create.result

    def send(self, execution_id: str, event: Event) -> None:
        """Apply ``event`` (a kill, a resume, a restart) to a stored execution."""
        self.executor.inbox.put(execution_id, event)

    def nudge(self) -> None:
        """Look for work now: another process posted to the inbox."""
        self.executor.inbox.nudge()

    def posted(self, seq: int, execution_id: str, payload: bytes) -> None:
        """A worker of this process posted a result to the inbox table as item ``seq``:
        applied from memory, not read back."""
        self.executor.inbox.posted(seq, execution_id, payload)

    def watch(self, execution_id: str) -> Execution | None:
        """The execution as the executor holds it now, or None when it holds it no more."""
        view = self.executor.held.get(execution_id)
        return None if view is None else view.execution

    def stats(self) -> dict[str, float]:
        """Gauges for ``/metrics``: items waiting, executions held, jobs out at workers."""
        return {
            "executor_queue_depth": float(self.executor.inbox.depth()),
            "executor_executions_held": float(len(self.executor.held)),
            **self.executor.dispatcher.stats(),
        }

    def _idle(self) -> None:
        # Memory a load used goes back to the system once the server is idle again: the
        # backend's caches, and the C allocator's free pages (it keeps them otherwise, and a
        # server's size would stay at its highest).
        now = time.monotonic()
        if self.executor.dispatcher.outstanding():
            self._busy_at = now
            return
        stepped = max(self.executor.stepped_at, self._busy_at)
        if self._trimmed_at is not None and self._trimmed_at < stepped:
            self._trimmed_at = None  # a step came since the last trim
        # Once the server has been idle a while after its last step (a burst pays no cost
        # between two executions), then now and then: API reads fill caches too. No full
        # collection: it would hold the interpreter, and the API, for up to a second.
        if now - stepped < _IDLE_BEFORE_TRIM or (
            self._trimmed_at is not None and now - self._trimmed_at < _TRIM_EVERY
        ):
            return
        self._trimmed_at = now
        self.executor.services.release_memory()
        release_free_memory()
