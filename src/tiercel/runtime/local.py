"""An executor and a pool of worker threads in one process, for ``tiercel flow test``.

Events for every execution go through one queue; the executor thread applies each with the
engine, then hands runnable tasks to the workers, starts subflow executions and sets timers.
"""

import gc
import queue
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from tiercel.engine import (
    Event,
    ExecutionEnded,
    ExecutionView,
    Kill,
    KillRuns,
    Recover,
    Resume,
    ResumeExecution,
    RetryExecution,
    RunTask,
    SetTimer,
    Start,
    StartSubflow,
    SubflowEnded,
    advance,
    include_templates,
)
from tiercel.engine.inputs import InputError, resolve_inputs
from tiercel.expr import render_typed
from tiercel.model.execution import (
    Execution,
    ExecutionMetadata,
    ExecutionTrigger,
    RunState,
    TaskRun,
)
from tiercel.model.flow import Flow
from tiercel.model.labels import Label
from tiercel.model.state import State
from tiercel.model.task import LogLevel
from tiercel.ops.executions import discard_files
from tiercel.runtime.host import TaskHost
from tiercel.runtime.ids import new_id
from tiercel.runtime.journal import Left
from tiercel.runtime.services import (
    Finished,
    LogLine,
    Services,
    executor_reveal,
)
from tiercel.runtime.worker import WorkerPool


@contextmanager
def _fewer_collections() -> Iterator[None]:
    """Run the collector less often while executions run.

    Each transition makes many small short-lived objects; with the default thresholds the full
    collections, which walk every live object, come often enough to make a 10,000-run loop
    cost more per task than a 1,000-run one.
    """
    before = gc.get_threshold()
    gc.set_threshold(100_000, 50, 100)
    try:
        yield
    finally:
        gc.set_threshold(*before)


@dataclass(frozen=True, slots=True)
class _Retry:
    """Time to create the execution that retries ``execution``."""

    execution: Execution


CORRELATION_ID = "system.correlationId"
"""The label every execution carries: the id of the execution that started the chain."""


_POLL = 0.2
"""How often a serving loop with nothing to do looks at its stop switch, in seconds."""


@dataclass
class _Call:
    """Work to do on the executor thread, which alone touches the executions it holds."""

    work: Callable[[], Any]
    done: threading.Event
    result: Any = None
    error: BaseException | None = None

    def run(self) -> None:
        try:
            self.result = self.work()
        except BaseException as exc:  # handed back to the caller's thread
            self.error = exc
        finally:
            self.done.set()


class LocalRunner(TaskHost):
    """Runs executions to their end with a pool of worker threads."""

    def __init__(
        self,
        services: Services,
        flows: Mapping[tuple[str, str], Flow] | None = None,
        *,
        templates: Mapping[tuple[str, str], Flow] | None = None,
        threads: int = 4,
        on_log: Callable[[LogLine], None] | None = None,
    ) -> None:
        super().__init__(services, on_log=on_log)
        self.flows = dict(flows or {})
        self.templates = dict(templates or {})
        """Kestra's deprecated templates, by namespace and id, for ``flow.Template`` tasks."""
        self.threads = threads
        self._events: queue.Queue[tuple[str, Event | _Retry | _Call]] = queue.Queue()
        self._views: dict[str, ExecutionView] = {}
        self._callers: dict[str, tuple[str, str]] = {}  # child id → (parent id, task run id)
        self._jobs = 0  # worker jobs, and timers of retries and delayed starts, not yet back
        self._timers: Counter[str] = Counter()  # the engine's timers not yet gone off, by execution

    def execute(
        self,
        flow: Flow,
        inputs: Mapping[str, Any] | None = None,
        labels: tuple[Label, ...] = (),
        *,
        timeout: float | None = None,
    ) -> Finished:
        """Create an execution of ``flow`` and run it until it ends or waits to be resumed.

        With ``timeout`` (seconds), executions still running then are killed.

        Raises:
            InputError: the inputs are refused; no execution was created.
        """
        self.flows.setdefault((flow.namespace, flow.id), flow)
        self._deployed_flow(flow.namespace, flow.id)
        root = self._create(flow, dict(inputs or {}), labels)
        return self._run(root.id, timeout)

    def continue_execution(
        self, execution_id: str, event: Event, *, timeout: float | None = None
    ) -> Finished:
        """Load a stored execution and apply ``event`` to it (a resume, a kill, a restart),
        then run it until it ends or waits again.

        Raises:
            LookupError: no such execution, or its flow is not known to this runner.
        """
        stored = self.services.executions.load(execution_id)
        if stored is None:
            raise LookupError(f"execution '{execution_id}' not found")
        execution, runs = stored
        flow = self._flow(execution.namespace, execution.flow_id, execution.flow_revision)
        if flow is None:
            raise LookupError(f"flow '{execution.namespace}.{execution.flow_id}' not found")
        self._view(flow, execution, runs)
        self._events.put((execution_id, event))
        return self._run(execution_id, timeout)

    def recover(self, *, timeout: float | None = None) -> dict[str, Execution]:
        """Pick up every stored execution that a stopped process left unfinished: running
        task runs get a new attempt, waits resume. Returns the executions, as they end.

        Executions of flows this runner does not know are left as they are.
        """
        recovered = self._pick_up_unfinished()
        if not recovered:
            return {}
        self._run(recovered[0], timeout)
        return {eid: self._views[eid].execution for eid in recovered}

    def _pick_up_unfinished(self, left: Left | None = None) -> list[str]:
        """Hold every stored execution a stopped process left unfinished, each with a
        ``Recover`` event to apply; their ids. Those of unknown flows are left as they are.

        With ``left`` (what the journals of the gone processes say), a running task run
        whose attempt ended gets its result, one whose attempt never began is dispatched
        again without a KILLED attempt.
        """
        unfinished = self.services.executions.find(
            states=[s.value for s in (State.CREATED, State.RUNNING, State.RESTARTED)]
        )
        recovered = []
        for execution_id in unfinished:
            stored = self.services.executions.load(execution_id)
            if stored is None:
                continue
            flow = self._flow(stored[0].namespace, stored[0].flow_id, stored[0].flow_revision)
            if flow is None:
                continue
            self._view(flow, *stored)
            if left is None:
                self._events.put((execution_id, Recover()))
                recovered.append(execution_id)
                continue
            results = [
                result
                for run in stored[1]
                if run.state.current is State.RUNNING
                and (ended := left.results.get(run.id)) is not None
                and ended[0] == len(run.attempts)
                for result in (ended[1],)
            ]
            done = {result.task_run_id for result in results}
            lost = frozenset(run.id for run in stored[1] if run.id not in done)
            began = frozenset(
                run.id for run in stored[1] if left.started.get(run.id) == len(run.attempts)
            )
            self._events.put((execution_id, Recover(lost=lost, started=began)))
            for result in results:
                self._events.put((execution_id, result))
            recovered.append(execution_id)
        return recovered

    def _flow(self, namespace: str, flow_id: str, revision: int | None = None) -> Flow | None:
        """The flow an execution runs: by default the one this runner was given."""
        return self.flows.get((namespace, flow_id))

    def _owner_run(self, execution_id: str, run_id: str) -> TaskRun | None:
        return self._views[execution_id].runs.get(run_id)

    def _flow_of(self, execution_id: str) -> tuple[str, str]:
        view = self._views.get(execution_id)
        return ("", "") if view is None else (view.execution.namespace, view.execution.flow_id)

    def _view(self, flow: Flow, execution: Execution, runs: list[TaskRun]) -> ExecutionView:
        """Hold an execution in memory, with the server's ``envs`` and ``globals``."""
        environment = {"envs": self.services.envs, "globals": self.services.globals}
        flow = include_templates(flow, lambda namespace, id_: self.templates.get((namespace, id_)))
        view = ExecutionView(
            flow,
            execution,
            runs,
            environment=environment,
            reveal=executor_reveal(self.services.cipher),
        )
        self._views[execution.id] = view
        return view

    def _run(self, execution_id: str, timeout: float | None) -> Finished:
        """Work until everything has settled; report on ``execution_id``."""
        deadline = None if timeout is None else time.monotonic() + timeout
        # Working directories of task runs live here until the run is over.
        with (
            _fewer_collections(),
            tempfile.TemporaryDirectory(prefix="tiercel-work-") as work_root,
            WorkerPool(self.threads) as pool,
        ):
            self._work_root = Path(work_root)
            self._loop(pool, deadline)
        view = self._views[execution_id]
        executions = {eid: v.execution for eid, v in self._views.items()}
        return Finished(
            view.execution, view.task_runs(), self._logs, self._metrics, executions, view.outputs
        )

    def _create(
        self,
        flow: Flow,
        given: dict[str, Any],
        labels: tuple[Label, ...],
        parent: Execution | None = None,
        trigger: ExecutionTrigger | None = None,
        retry_of: Execution | None = None,
        schedule_date: datetime | None = None,
    ) -> Execution:
        execution = new_execution(
            self.services,
            flow,
            given,
            labels,
            parent=parent,
            trigger=trigger,
            retry_of=retry_of,
            schedule_date=schedule_date,
        )
        execution, start = self._admit(flow, execution)
        self.services.executions.save(execution, ())
        self._view(flow, execution, [])
        if start:
            self._events.put((execution.id, Start()))
        return execution

    def _admit(self, flow: Flow, execution: Execution) -> tuple[Execution, bool]:
        """The new execution as it is to be stored, and whether it starts now: always here;
        a server applies the flow's concurrency limit."""
        return execution, True

    def _loop(
        self, pool: WorkerPool, deadline: float | None, stop: threading.Event | None = None
    ) -> None:
        """Apply events until everything has settled, or with ``stop``, until it is set."""
        killed = False
        while not stop.is_set() if stop is not None else not self._settled():
            if stop is not None:
                wait: float | None = _POLL
            else:
                wait = None if deadline is None else max(0.0, deadline - time.monotonic())
            try:
                execution_id, item = self._events.get(timeout=wait)
            except queue.Empty:
                if stop is not None:
                    self._idle()
                    continue
                if killed:
                    return  # killed, yet something still does not end: give up
                killed = True
                deadline = time.monotonic() + 5
                for view in self._views.values():
                    if not view.execution.state.current.is_terminated:
                        self._events.put((view.execution.id, Kill()))
                continue
            # Applied in a method of its own: nothing of the event stays referenced here
            # while the loop waits for the next (an execution's trigger body, say).
            self._apply(execution_id, item, pool)
            del item
        self._flush_logs()
        self._log_writer.sync()

    def _apply(self, execution_id: str, item: Event | _Retry | _Call, pool: WorkerPool) -> None:
        """Apply one event (or run one call) on the executor thread."""
        if isinstance(item, _Call):
            item.run()
            return
        if isinstance(item, _Retry):
            self._retry(item.execution)
            return
        held = self._views.get(execution_id) or self._load_view(execution_id)
        if held is None:
            return  # a late report for an execution deleted meanwhile
        view = held
        before = view.execution.state.current
        step = advance(view, item, self.services.clock(), new_id)
        for line in step.logs:
            run = view.runs.get(line.task_run_id) if line.task_run_id else None
            self._log(execution_id, run, line.level, line.message)
        # Stored before anything is acted on: a crash here loses no decision.
        self.services.executions.save(
            view.execution if step.execution_changed else None,
            step.changed.values(),
            step.removed,
        )
        self._flush_logs()
        # Counted at once: taking the lock per job would wait on busy workers each time.
        jobs = sum(isinstance(command, RunTask) for command in step.commands)
        if jobs:
            with self._lock:
                self._jobs += jobs
        for command in step.commands:
            self._carry_out(view, command, pool)
        if view.execution.state.current is not before:
            self._state_changed(view)
        self._after_step(view)

    def _load_view(self, execution_id: str) -> ExecutionView | None:
        """Hold a stored execution this runner has not loaded (or has let go of)."""
        stored = self.services.executions.load(execution_id)
        if stored is None:
            return None
        execution, runs = stored
        flow = self._flow(execution.namespace, execution.flow_id, execution.flow_revision)
        if flow is None:
            self._log(execution_id, None, LogLevel.ERROR, "The execution's flow is not deployed")
            return None
        return self._view(flow, execution, runs)

    def _idle(self) -> None:
        """A serving loop found nothing to do for a while."""

    def _ended(self, view: ExecutionView) -> None:
        """An execution has ended: nothing more to do here; a server starts queued ones."""

    def _state_changed(self, view: ExecutionView) -> None:
        """The execution of ``view`` changed state: a server tells its listeners."""

    def _after_step(self, view: ExecutionView) -> None:
        """An event was applied to ``view``: this runner keeps every view for its report."""

    def _settled(self) -> bool:
        # Done once no event is waiting, no job or timer is out, and every execution has
        # ended or is paused with nobody to resume it.
        if not self._events.empty():
            return False
        with self._lock:
            if self._jobs:
                return False
            timed = list(self._timers)
        # The engine's timers wait only for executions that go on: one that ended changes
        # nothing when its task timeouts or SLA deadlines come.
        if any(
            view is not None and not view.execution.state.current.is_terminated
            for view in map(self._views.get, timed)
        ):
            return False
        return all(
            v.execution.state.current.is_terminated or v.execution.state.current is State.PAUSED
            for v in self._views.values()
        )

    def _carry_out(self, view: ExecutionView, command: Any, pool: WorkerPool) -> None:
        execution_id = view.execution.id
        if isinstance(command, RunTask):
            pool.submit(self._work, execution_id, command)
        elif isinstance(command, SetTimer):
            self._set_timer(execution_id, command)
        elif isinstance(command, KillRuns):
            self.kill_runs(command.task_run_ids)
        elif isinstance(command, StartSubflow):
            self._start_subflow(execution_id, command)
        elif isinstance(command, ResumeExecution):
            self._resume(execution_id, command)
        elif isinstance(command, RetryExecution):
            self._after(command.at, execution_id, _Retry(command.execution))
        elif isinstance(command, ExecutionEnded):
            self._ended(view)
            ended_for_good = command.execution.state.current.is_terminated
            caller = (self._callers.pop if ended_for_good else self._callers.get)(
                execution_id, None
            )
            if caller is not None:
                parent_id, task_run_id = caller
                ended = command.execution
                event = SubflowEnded(
                    task_run_id, ended.id, ended.state.current, ended.outputs, view.outputs
                )
                self._events.put((parent_id, event))

    def _start_subflow(self, parent_id: str, command: StartSubflow) -> None:
        call = command.call
        flow = self._flow(call.namespace, call.flow_id, call.revision)
        run = command.run
        if flow is None:
            message = f"Unable to find flow '{call.namespace}'.'{call.flow_id}'"
            self._fail_caller(parent_id, run, message)
            return
        labels = tuple(call.labels)
        if call.inherit_labels:
            labels = (*command.parent.labels, *labels)
        trigger = ExecutionTrigger.model_construct(
            id=run.task_id,
            type="io.kestra.plugin.core.flow.Subflow",
            variables={
                "executionId": command.parent.id,
                "namespace": command.parent.namespace,
                "flowId": command.parent.flow_id,
                "flowRevision": command.parent.flow_revision,
            },
        )
        try:
            child = self._create(flow, call.inputs, labels, command.parent, trigger)
        except InputError as exc:
            self._fail_caller(parent_id, run, f"Invalid inputs for the subflow: {exc}")
            return
        if call.wait:
            self._callers[child.id] = (parent_id, run.id)
        else:
            self._events.put((parent_id, SubflowEnded(run.id, child.id, None)))

    def _fail_caller(self, parent_id: str, run: TaskRun, message: str) -> None:
        self._log(parent_id, run, LogLevel.ERROR, message)
        self._events.put((parent_id, SubflowEnded(run.id, "", State.FAILED)))

    def _resume(self, caller_id: str, command: ResumeExecution) -> None:
        # The execution may be one this runner has not loaded: a paused one in the store.
        target = command.execution_id
        if target not in self._views:
            stored = self.services.executions.load(target)
            flow = (
                self._flow(stored[0].namespace, stored[0].flow_id, stored[0].flow_revision)
                if stored
                else None
            )
            if stored is None or flow is None:
                self._log(caller_id, None, LogLevel.ERROR, f"No execution '{target}' to resume")
                return
            self._view(flow, *stored)
        self._events.put((target, Resume(command.inputs)))

    def _retry(self, failed: Execution) -> None:
        flow = self._flow(failed.namespace, failed.flow_id)
        if flow is None:
            self._log(failed.id, None, LogLevel.ERROR, "Cannot retry the execution: no flow")
            return
        try:
            self._create(flow, dict(failed.inputs), (), trigger=failed.trigger, retry_of=failed)
        except InputError as exc:
            self._log(failed.id, None, LogLevel.ERROR, f"Cannot retry the execution: {exc}")

    def _set_timer(self, execution_id: str, command: SetTimer) -> None:
        self._after(command.at, execution_id, command.event, engine_timer=True)

    def _after(
        self, at: datetime, execution_id: str, item: Event | _Retry, *, engine_timer: bool = False
    ) -> None:
        delay = (at - self.services.clock()).total_seconds()
        with self._lock:
            if engine_timer:
                self._timers[execution_id] += 1
            else:
                self._jobs += 1

        def fire() -> None:
            self._events.put((execution_id, item))
            with self._lock:
                if engine_timer:
                    self._timers[execution_id] -= 1
                    if not self._timers[execution_id]:
                        del self._timers[execution_id]
                else:
                    self._jobs -= 1

        timer = threading.Timer(max(0.0, delay), fire)
        timer.daemon = True
        timer.start()

    def _work(self, execution_id: str, command: RunTask) -> None:
        result = self._run_task(execution_id, command)
        self._events.put((execution_id, result))
        with self._lock:
            self._jobs -= 1


def new_execution(
    services: Services,
    flow: Flow,
    given: dict[str, Any],
    labels: tuple[Label, ...],
    *,
    parent: Execution | None = None,
    trigger: ExecutionTrigger | None = None,
    retry_of: Execution | None = None,
    schedule_date: datetime | None = None,
) -> Execution:
    """A new execution of ``flow`` with its inputs resolved (files stored), not yet stored.

    Raises:
        InputError: the inputs are refused.
    """
    now = services.clock()
    execution_id = new_id()
    metadata = ExecutionMetadata.model_construct(attempt_number=1, original_created_date=now)
    original_id = None
    if retry_of is not None:
        # A new execution retrying a failed one: same inputs and labels, one attempt more.
        metadata = retry_of.metadata.model_copy(
            update={"attempt_number": retry_of.metadata.attempt_number + 1}
        )
        original_id = retry_of.original_id or retry_of.id
        labels = tuple(x for x in retry_of.labels if x.key != CORRELATION_ID)
    correlation = next(
        (x for x in (parent.labels if parent else ()) if x.key == CORRELATION_ID), None
    )
    if correlation is None:
        correlation = Label.model_construct(key=CORRELATION_ID, value=execution_id)
    labels = (*labels, correlation)
    execution = Execution.model_construct(
        id=execution_id,
        namespace=flow.namespace,
        flow_id=flow.id,
        flow_revision=flow.revision or 1,
        state=RunState.start(State.CREATED, now),
        inputs={},
        outputs=None,
        labels=labels if retry_of is not None else (*(flow.labels or ()), *labels),
        variables=None,
        parent_id=parent.id if parent else None,
        original_id=original_id,
        trigger=trigger,
        metadata=metadata,
        schedule_date=schedule_date,
        deleted=False,
    )
    context = {
        "flow": {"id": flow.id, "namespace": flow.namespace, "revision": flow.revision},
        "execution": {"id": execution.id},
    }

    stored: list[str] = []

    def store_file(input_id: str, value: Any) -> str:
        uri = services.store_input_file(execution, input_id, value)
        stored.append(uri)
        return uri

    try:
        typed = resolve_inputs(
            flow.inputs or [],
            given,
            render=lambda value: render_typed(value, context) if isinstance(value, str) else value,
            store_file=store_file,
            seal=services.seal(),
        )
    except InputError:
        discard_files(services.storage, stored)  # a refused execution leaves no file behind
        raise
    return execution.model_copy(update={"inputs": typed})
