"""The executor of a server: the local runner's loop, kept running, fed from other threads.

The API, the scheduler and webhooks hand it work through ``create`` and ``send``; everything
that touches the executions it holds runs on its own thread. Flows come from the flow store by
revision. It applies each flow's ``concurrency`` limit and lets go of executions once they end,
so its memory follows the running executions, not the history.
"""

import logging
import threading
import time
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

from tiercel.engine import Event, ExecutionView, RunTask, Start
from tiercel.model.execution import Execution, ExecutionTrigger
from tiercel.model.flow import ConcurrencyBehavior, Flow
from tiercel.model.labels import Label
from tiercel.model.state import State
from tiercel.model.task import LogLevel
from tiercel.runtime.journal import RunJournal, left_by_the_dead
from tiercel.runtime.local import LocalRunner, _Call
from tiercel.runtime.memory import release_free_memory
from tiercel.runtime.services import RunLimits, Services
from tiercel.runtime.worker import WorkerPool

_log = logging.getLogger("tiercel.executor")

_IDLE_BEFORE_TRIM = 3.0
"""How long the executor is idle before it gives memory back (in seconds)."""
_TRIM_EVERY = 30.0
"""While idle, how often memory is given back again (in seconds)."""

T = TypeVar("T")

FlowFinder = Callable[[str, str, int | None], Flow | None]
"""Finds a flow by namespace, id and revision (the current one for None)."""


class ServerExecutor(LocalRunner):
    """A long-running executor with worker threads, for ``tiercel server``."""

    def __init__(
        self,
        services: Services,
        find_flow: FlowFinder,
        *,
        threads: int = 8,
        on_end: Callable[[Execution], None] | None = None,
        on_change: Callable[[Execution], None] | None = None,
        journal_dir: Path | None = None,
        limits: RunLimits | None = None,
    ) -> None:
        super().__init__(services, threads=threads)
        if journal_dir is not None:
            self.journal = RunJournal(journal_dir)
        if limits is not None:
            self.limits = limits
        self._on_change = on_change
        self._keep_results = False  # a server runs for months: lines live in the log store
        self._find_flow = find_flow
        self._on_end = on_end
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self._ready = threading.Event()
        self._starting: set[str] = set()
        """Queued executions given a slot, whose start the engine has not applied yet."""
        self._draining = threading.Event()
        self._busy = 0
        """Task runs running on this process's threads."""
        self._looped = threading.Event()
        """Set once the loop has applied its last event."""
        self._trimmed = True
        """Whether memory was given back since the last step."""
        self._trimmed_at = 0.0
        self._stepped_at = 0.0

    # --- running --------------------------------------------------------------------------

    def start(self) -> None:
        """Pick up what a previous process left unfinished, then serve on a thread."""
        self._thread = threading.Thread(target=self._serve, name="tiercel-executor", daemon=True)
        self._thread.start()
        self._ready.wait()

    def stop(self, timeout: float = 30.0) -> None:
        """Stop gracefully: task runs running on this process's threads get up to ``timeout``
        seconds to finish and report; those due to start meanwhile are not started, nor are
        those still running then waited for. They stay RUNNING in the store, and the next
        start hands each a new attempt."""
        if self._thread is None:
            return  # never started
        self._draining.set()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if not self._busy:
                    break
            time.sleep(0.05)
        self._stop.set()
        self._looped.wait(5.0)
        with self._lock:
            left = list(self._kill_switches)
        if left:
            _log.warning("%d task runs still running are left for the next start", len(left))
            self.kill_runs(left)  # their processes stop; the loop applies no result now
        self._thread.join(5.0)
        self._log_writer.close()
        if self.journal is not None and not left:
            self.journal.close()  # nothing began here that the next start must know of

    def _serve(self) -> None:
        with WorkerPool(self.threads) as pool:
            self._recover_unfinished()
            self._ready.set()
            self._loop(pool, None, self._stop)
            self._looped.set()

    def _recover_unfinished(self) -> None:
        left = None if self.journal is None else left_by_the_dead(self.journal.folder)
        unfinished = self._pick_up_unfinished(left)
        if unfinished:
            _log.info("picking up %d unfinished executions", len(unfinished))
        for journal in left.journals if left is not None else ():
            journal.unlink(missing_ok=True)
        self._dequeue_all()

    def _dequeue_all(self) -> None:
        """Start queued executions whose slot freed while no executor ran."""
        queued = self.services.executions.find(states=[State.QUEUED.value])
        flows = {}
        for execution_id in queued:
            view = self._load_view(execution_id)
            if view is not None:
                flows[(view.flow.namespace, view.flow.id)] = view.flow
        for flow in flows.values():
            self._dequeue(flow)

    # --- what other threads ask -----------------------------------------------------------

    def call(self, work: Callable[[], T], timeout: float = 30.0) -> T:
        """Run ``work`` on the executor thread and return its result (or raise its error)."""
        if threading.current_thread() is self._thread:
            return work()  # already on the executor thread: queueing would wait on itself
        call = _Call(work, threading.Event())
        self._events.put(("", call))
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
        flow's concurrency says).

        Raises:
            InputError: the inputs are refused; no execution was created.
        """
        return self.call(
            lambda: self._create(
                flow, dict(inputs or {}), labels, trigger=trigger, schedule_date=schedule_date
            )
        )

    def send(self, execution_id: str, event: Event) -> None:
        """Apply ``event`` (a kill, a resume, a restart) to a stored execution."""
        self._events.put((execution_id, event))

    def watch(self, execution_id: str) -> Execution | None:
        """The execution as the executor holds it now, or None when it holds it no more."""
        view = self._views.get(execution_id)
        return None if view is None else view.execution

    def stats(self) -> dict[str, float]:
        """Gauges for ``/metrics``: events waiting, executions held, jobs out at workers."""
        return {
            "executor_queue_depth": float(self._events.qsize()),
            "executor_executions_held": float(len(self._views)),
            "worker_jobs_running": float(self._jobs),
            "worker_threads": float(self.threads),
        }

    # --- hooks of the local runner --------------------------------------------------------

    def _carry_out(self, view: ExecutionView, command: Any, pool: WorkerPool) -> None:
        if isinstance(command, RunTask):
            if self._draining.is_set():
                with self._lock:
                    self._jobs -= 1  # left RUNNING in the store for the next start
                return
            with self._lock:
                self._busy += 1
        super()._carry_out(view, command, pool)

    def _work(self, execution_id: str, command: RunTask) -> None:
        try:
            super()._work(execution_id, command)
        finally:
            with self._lock:
                self._busy -= 1

    def _flow(self, namespace: str, flow_id: str, revision: int | None = None) -> Flow | None:
        return self._find_flow(namespace, flow_id, revision)

    def _idle(self) -> None:
        # Memory a load used goes back to the system once the server is idle again: the
        # backend's caches, and the C allocator's free pages (it keeps them otherwise, and a
        # server's size would stay at its highest).
        with self._lock:
            busy = self._jobs or self._busy
        now = time.monotonic()
        if busy:
            self._stepped_at = now
            return
        # Once the server has been idle a while after its last step (a burst pays no cost
        # between two executions), then now and then: API reads fill caches too. No full
        # collection: it would hold the interpreter, and the API, for up to a second.
        if now - self._stepped_at < _IDLE_BEFORE_TRIM or (
            self._trimmed and now - self._trimmed_at < _TRIM_EVERY
        ):
            return
        self._trimmed = True
        self._trimmed_at = now
        self.services.release_memory()
        release_free_memory()

    def _after_step(self, view: ExecutionView) -> None:
        self._trimmed = False
        self._stepped_at = time.monotonic()
        # Let go of an ended execution, also one reloaded for a late report (a killed task's
        # result); a subflow stays until its caller has heard of its end.
        execution_id = view.execution.id
        if view.execution.state.current.is_terminated and execution_id not in self._callers:
            self._views.pop(execution_id, None)

    def _admit(self, flow: Flow, execution: Execution) -> tuple[Execution, bool]:
        now = self.services.clock()
        if execution.schedule_date is not None and execution.schedule_date > now:
            self._after(execution.schedule_date, execution.id, Start())
            return execution, False
        limit = flow.concurrency
        if limit is None or self._running(flow) < limit.limit:
            return execution, True
        if limit.behavior is ConcurrencyBehavior.QUEUE:
            return _with_state(execution, State.QUEUED, now), False
        state = State.CANCELLED if limit.behavior is ConcurrencyBehavior.CANCEL else State.FAILED
        ended = _with_state(execution, state, now)
        self._log(
            execution.id,
            None,
            LogLevel.WARN if state is State.CANCELLED else LogLevel.ERROR,
            "Flow is FAILED due to concurrency limit exceeded"
            if state is State.FAILED
            else "Execution cancelled: the flow's concurrency limit is reached",
        )
        return ended, False

    def _running(self, flow: Flow) -> int:
        return sum(
            1
            for view in self._views.values()
            if view.execution.namespace == flow.namespace
            and view.execution.flow_id == flow.id
            and not view.execution.state.current.is_terminated
            and (
                view.execution.state.current is not State.QUEUED
                or view.execution.id in self._starting
            )
        )

    def _ended(self, view: ExecutionView) -> None:
        execution = view.execution
        if execution.state.current.is_terminated:
            _log.info(
                "%s Flow completed with state %s in %s",
                _prefix(execution),
                execution.state.current.value,
                _hms(execution.state.duration),
            )
        flow = self._flow(execution.namespace, execution.flow_id)
        if flow is not None and flow.concurrency is not None:
            self._dequeue(flow)
        if self._on_end is not None:
            try:
                self._on_end(execution)
            except Exception:  # a listener's bug must not stop the executor
                _log.exception("an execution-end listener failed")

    def _state_changed(self, view: ExecutionView) -> None:
        # Ends are told by ``_ended``, once; this tells the states on the way.
        execution = view.execution
        started = _STARTS.get(_previous_state(execution))
        if execution.state.current is State.RUNNING and started:
            _log.info("%s Flow %s", _prefix(execution), started)
        if self._on_change is not None and not execution.state.current.is_terminated:
            try:
                self._on_change(execution)
            except Exception:  # a listener's bug must not stop the executor
                _log.exception("an execution-change listener failed")

    def _dequeue(self, flow: Flow) -> None:
        """Start the oldest queued executions of ``flow`` while it has free slots."""
        assert flow.concurrency is not None
        self._starting = {
            execution_id
            for execution_id in self._starting
            if (view := self._views.get(execution_id)) is not None
            and view.execution.state.current is State.QUEUED
        }
        free = flow.concurrency.limit - self._running(flow)
        if free <= 0:
            return
        queued = self.services.executions.find(
            namespace=flow.namespace, flow_id=flow.id, states=[State.QUEUED.value]
        )
        for execution_id in queued:
            if free <= 0:
                break
            if execution_id in self._starting:
                continue
            view = self._views.get(execution_id) or self._load_view(execution_id)
            if view is not None:
                # Counted as running from now on, so the next end frees no slot twice.
                self._starting.add(execution_id)
                self._events.put((execution_id, Start()))
                free -= 1


_STARTS = {
    State.CREATED: "started",
    State.QUEUED: "started",
    State.RESTARTED: "restarted",
    State.PAUSED: "resumed",
}
"""What the console says when an execution runs after each state: the start and end of every
execution are logged, as Kestra's standalone server does."""


def _previous_state(execution: Execution) -> State:
    histories = execution.state.histories
    return histories[-2].state if len(histories) > 1 else execution.state.current


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


def _with_state(execution: Execution, state: State, now: datetime) -> Execution:
    return execution.model_copy(update={"state": execution.state.to(state, now)})
