"""The engine's machinery: resolving scopes, creating and finishing task runs.

The event handlers live in ``lifecycle`` and ``subflows``; ``advance`` puts them together.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from pydantic import TypeAdapter

from tiercel.engine.context import base_variables, task_variables
from tiercel.engine.events import (
    Command,
    ExecutionEnded,
    KillRuns,
    ResumeExecution,
    RetryExecution,
    RunTask,
    SetTimer,
    SharedDirectory,
    Wake,
)
from tiercel.engine.preconditions import upstream_variables
from tiercel.engine.retry import RetryPolicy, delay_after
from tiercel.engine.scope import RootScope, RunScope, ScopeError
from tiercel.engine.view import ExecutionView
from tiercel.expr import ExpressionError, evaluate, is_truthy, render_value
from tiercel.model.execution import RunState, TaskRun, attempt_in, build, evolve
from tiercel.model.flow import Listener
from tiercel.model.property import Duration
from tiercel.model.secrets import masked_encrypted
from tiercel.model.state import State
from tiercel.model.task import LogLevel, RetryBehavior, Task
from tiercel.sdk.flowable import NextRun, Plan, run_branches
from tiercel.sdk.run_context import TaskFailure
from tiercel.sdk.task import (
    ExecutionTask,
    FlowableTask,
    SubflowTask,
    enabled,
)

NewId = Callable[[], str]

_DURATION: TypeAdapter[timedelta] = TypeAdapter(Duration)


@dataclass(frozen=True, slots=True)
class StepLog:
    """A line the executor writes for the engine, about a task run or (None) the execution."""

    task_run_id: str | None
    level: LogLevel
    message: str


@dataclass(slots=True)
class Step:
    """What one event changed: the task runs to store and the commands to carry out.

    ``execution_changed`` tells whether the execution record itself needs storing.
    """

    changed: dict[str, TaskRun] = field(default_factory=dict)
    removed: list[str] = field(default_factory=list)
    """Task runs to delete (a restart drops the runs of error branches)."""
    commands: list[Command] = field(default_factory=list)
    execution_changed: bool = False
    logs: list[StepLog] = field(default_factory=list)
    """Lines the executor itself writes."""


class EngineCore:
    """The state of one ``advance`` call and the steps every event handler shares."""

    def __init__(self, view: ExecutionView, now: datetime, new_id: NewId) -> None:
        self.view = view
        self.now = now
        self.new_id = new_id
        self.step = Step()
        self.pending: list[str | None] = []  # scopes to resolve: parent run ids, None = root

    def _new_execution_at(self) -> datetime | None:
        """When to retry a failed execution as a new one, if a retry policy says so: the
        flow's, or that of a failed task, with the CREATE_NEW_EXECUTION behaviour."""
        policies = [self.view.flow.retry] + [
            self.view.index.task(run.task_id).retry
            for run in self.view.task_runs()
            if run.state.current is State.FAILED
        ]
        execution = self.view.execution
        metadata = execution.metadata
        started = metadata.original_created_date or execution.state.start_date
        for policy in policies:
            if policy is not None and policy.behavior is RetryBehavior.CREATE_NEW_EXECUTION:
                seed = execution.original_id or execution.id
                made = metadata.attempt_number
                delay = delay_after(policy, made, started, self.now, seed)
                return None if delay is None else self.now + delay
        return None

    def _flow_retry(self) -> RetryPolicy | None:
        # A flow-level retry that retries failed tasks acts as every task's own policy.
        policy = self.view.flow.retry
        if policy is not None and policy.behavior is RetryBehavior.RETRY_FAILED_TASK:
            return policy
        return None

    def _log(self, task_run_id: str | None, level: LogLevel, message: str) -> None:
        """Have the executor write a line about a task run, or (None) the execution."""
        self.step.logs.append(StepLog(task_run_id, level, message))

    def _set_timeout(self, run: TaskRun, task: Task) -> None:
        if task.timeout is None:
            return
        try:
            limit = render_value(task.timeout, task_variables(self.view, run, task))
            span = limit if isinstance(limit, timedelta) else _DURATION.validate_python(limit)
        except (ExpressionError, ValueError) as exc:
            self.step.logs.append(
                StepLog(run.id, LogLevel.WARN, f"timeout of '{task.id}' ignored: {exc}")
            )
            return
        self.step.commands.append(SetTimer(self.now + span, Wake(run.id, timeout=True)))

    def resolve(self) -> None:
        while self.pending:
            scope_id = self.pending.pop()
            if self.view.execution.state.current.is_terminated:
                if scope_id is None:
                    self._resolve_after_execution()
                continue
            if scope_id is None:
                self._resolve_root()
            else:
                self._resolve_flowable(self.view.runs[scope_id])

    def _resolve_root(self) -> None:
        plan = run_branches(RootScope(self.view, self.now), self.view.index.root)
        self._apply(None, plan)
        if plan.state is not None:
            state = plan.state
            outputs, problem = self._flow_outputs()
            if problem is not None:
                self._log(None, LogLevel.ERROR, problem)
                state = State.FAILED
            if outputs is not None:
                self.view.execution = evolve(self.view.execution, outputs=outputs)
            retry_at = self._new_execution_at() if state is State.FAILED else None
            self._set_execution_state(State.RETRIED if retry_at else state)
            self.step.commands.append(ExecutionEnded(self.view.execution))
            if retry_at is not None:
                self.step.commands.append(RetryExecution(self.view.execution, retry_at))
            self._resolve_after_execution()

    def _resolve_after_execution(self) -> None:
        # afterExecution, then the (deprecated) listeners whose conditions hold, run once the
        # execution has its final state, one task after the other; failures change nothing.
        flow = self.view.flow
        phases = [enabled(flow.after_execution or [])]
        phases += [enabled(x.tasks) for x in flow.listeners or [] if self._listener_holds(x)]
        for tasks in phases:
            ids = frozenset(task.id for task in tasks)
            created = self.view.count(None, ids, None)
            if self.view.count(None, ids, False):
                return
            if created < len(tasks):
                self._create(None, NextRun(tasks[created]))
                return

    def _listener_holds(self, listener: Listener) -> bool:
        context = _ExecutionConditions(self.view)
        try:
            return all(condition.test(context) for condition in listener.conditions or [])
        except (NotImplementedError, ExpressionError) as exc:
            self._log(None, LogLevel.WARN, f"a listener is skipped: {exc}")
            return False

    def _flow_outputs(self) -> tuple[dict[str, Any] | None, str | None]:
        declared = self.view.flow.outputs
        if not declared:
            return None, None
        variables = base_variables(self.view)
        outputs: dict[str, Any] = {}
        for output in declared:
            try:
                outputs[output.id] = render_value(output.value, variables)
            except ExpressionError as exc:
                return None, f"Failed to render the flow output '{output.id}': {exc}"
        return outputs, None

    def _resolve_flowable(self, run: TaskRun) -> None:
        if run.state.current.is_terminated:
            return
        task = self.view.index.task(run.task_id)
        assert isinstance(task, FlowableTask)
        scope = RunScope(self.view, run, task, self.now)
        notes: dict[str, Any] | None = None
        try:
            plan = task.plan(scope)
            if plan.memo is not None:
                notes = dict(plan.memo)
                scope.remember(notes)
            outputs = task.outputs(scope) if plan.state is not None else None
        except (ExpressionError, ScopeError, ValueError) as exc:
            self._log(run.id, LogLevel.ERROR, f"{task.id}: {exc}")
            self._finish(self.view.runs[run.id], State.FAILED, None)
            return
        if notes is not None:
            run = self._save(evolve(run, memo=notes))
        if plan.outputs is not None and plan.outputs != run.outputs:
            run = self._save(evolve(run, outputs=plan.outputs))
        if plan.wake_after is not None:
            self.step.commands.append(SetTimer(self.now + plan.wake_after, Wake(run.id)))
        if plan.pause:
            self._pause(run, plan.resume_after)
            return
        self._apply(run.id, plan)
        if plan.state is not None:
            finishing = (self.view.runs[run.id].memo or {}).get("finishing")
            if task.shares_working_directory and plan.state in (State.SUCCESS, State.WARNING):
                # Its files are on a worker: the worker finishes it and reports its outputs.
                if finishing:
                    return
                current = self.view.runs[run.id]
                current = self._save(
                    evolve(current, memo={**(current.memo or {}), "finishing": True})
                )
                variables = task_variables(self.view, current, task)
                directory = self._directory(current)
                self.step.commands.append(RunTask(current, task, variables, directory, True))
                return
            self._finish(self.view.runs[run.id], plan.state, outputs)

    def _pause(self, run: TaskRun, resume_after: timedelta | None) -> None:
        if run.state.current is State.PAUSED:
            return
        self._save(with_state(run, State.PAUSED, self.now))
        if resume_after is not None:
            self.step.commands.append(SetTimer(self.now + resume_after, Wake(run.id)))
        if self.view.execution.state.current is State.RUNNING:
            self._set_execution_state(State.PAUSED)

    def _apply(self, parent_id: str | None, plan: Plan) -> None:
        for next_run in plan.next_runs:
            self._create(parent_id, next_run)

    def _create(self, parent_id: str | None, next_run: NextRun) -> None:
        task = next_run.task
        execution = self.view.execution
        run = build(
            TaskRun,
            {
                "id": self.new_id(),
                "execution_id": execution.id,
                "namespace": execution.namespace,
                "flow_id": execution.flow_id,
                "task_id": task.id,
                "parent_task_run_id": parent_id,
                "value": next_run.value,
                "iteration": next_run.iteration,
                "attempts": (),
                "outputs": None,
                "state": RunState.start(State.CREATED, self.now),
                "memo": None,
            },
        )
        if _dispatched_at_once(task):
            # Nothing reads it CREATED (no timeout, no runIf, no branch): it is stored and
            # held RUNNING at once, as it would be within this same step anyway.
            self._start_on_worker(run, task)
            return
        self._save(run)
        self._set_timeout(run, task)
        skip, problem = self._run_if(run, task)
        if problem is not None:
            self._log(run.id, LogLevel.ERROR, problem)
            self._finish(run, State.FAILED, None)
        elif skip:
            self._finish(run, State.SKIPPED, None)
        elif isinstance(task, FlowableTask):
            self._save(with_state(run, State.RUNNING, self.now))
            self.pending.append(run.id)
        elif isinstance(task, SubflowTask):
            self._start_subflow(with_state(run, State.RUNNING, self.now), task)
        elif isinstance(task, ExecutionTask):
            self._change_execution(with_state(run, State.RUNNING, self.now), task)
        else:
            self._start_on_worker(run, task)

    def _start_on_worker(self, run: TaskRun, task: Task) -> None:
        """Send a new run of a runnable task to a worker: RUNNING, in its first attempt (one
        copy of the run with both)."""
        attempt = attempt_in(RunState.start(State.RUNNING, self.now))
        state = run.state.to(State.RUNNING, self.now)
        self._dispatch(evolve(run, state=state, attempts=(attempt,)), task)

    def _change_execution(self, running: TaskRun, task: ExecutionTask) -> None:
        self._save(running)
        # What it sets (labels, variables) is stored and shown: a SECRET input renders as its
        # mask there, never as its ciphertext nor in clear.
        variables = masked_encrypted(task_variables(self.view, running, task))
        try:
            change = task.change(lambda value: render_value(value, variables), variables["vars"])
        except (ExpressionError, TaskFailure, ValueError) as exc:
            self._log(running.id, LogLevel.ERROR, f"{task.id}: {exc}")
            self._finish(running, State.FAILED, None)
            return
        execution = self.view.execution
        update: dict[str, Any] = {}
        if change.labels:
            replaced = {label.key for label in change.labels}
            kept = [label for label in execution.labels if label.key not in replaced]
            update["labels"] = (*kept, *change.labels)
        if change.variables is not None:
            update["variables"] = change.variables
        if update:
            self.view.execution = evolve(execution, **update)
            self.step.execution_changed = True
        if change.resume is not None:
            self.step.commands.append(ResumeExecution(change.resume, change.resume_inputs))
        if change.end is None:
            self._finish(running, State.SUCCESS, None)
            return
        self._save(with_state(running, State.SUCCESS, self.now))
        if change.end is State.KILLED:
            self._stop_live_runs(State.KILLED)
        self._set_execution_state(change.end)
        self.step.commands.append(ExecutionEnded(self.view.execution))

    def _drop(self, run: TaskRun) -> None:
        """Remove a task run and every run below it, as if they had never been created."""
        for child in [r for r in self.view.task_runs() if r.parent_task_run_id == run.id]:
            self._drop(child)
        self.view.remove(run.id)
        self.step.changed.pop(run.id, None)
        self.step.removed.append(run.id)

    def _run_again(self) -> None:
        """The execution goes on after a restart: one attempt more, RESTARTED then RUNNING."""
        execution = self.view.execution
        metadata = evolve(execution.metadata, attempt_number=execution.metadata.attempt_number + 1)
        self.view.execution = evolve(execution, metadata=metadata)
        self._set_execution_state(State.RESTARTED)
        self._set_execution_state(State.RUNNING)

    def _stop_live_runs(self, state: State) -> None:
        """End every task run still going in ``state`` and tell their workers to stop."""
        live = [run for run in self.view.task_runs() if not run.state.current.is_terminated]
        for run in live:
            self._save(with_state(run, state, self.now))
        if live:
            self.step.commands.append(KillRuns(tuple(run.id for run in live)))

    def _dispatch(self, running: TaskRun, task: Task) -> None:
        self._save(running)
        variables = task_variables(self.view, running, task)
        directory = self._directory(running)
        if directory is not None:
            # Tasks of a working directory also see the run that owns it.
            owner = directory.owner_variables["taskrun"]
            variables["workerTaskrun"] = {"id": owner["id"], "value": owner["value"]}
        self.step.commands.append(RunTask(running, task, variables, directory))

    def _directory(self, run: TaskRun) -> SharedDirectory | None:
        for ancestor in [run, *self.view.ancestors(run)]:
            owner = self.view.index.task(ancestor.task_id)
            if isinstance(owner, FlowableTask) and owner.shares_working_directory:
                variables = task_variables(self.view, ancestor, owner)
                return SharedDirectory(ancestor.id, owner, variables)
        return None

    def _run_if(self, run: TaskRun, task: Task) -> tuple[bool, str | None]:
        condition = task.run_if.strip()
        if condition in ("", "true"):
            return False, None
        if condition.startswith("{{") and condition.endswith("}}"):
            condition = condition[2:-2]
        try:
            value = evaluate(condition, self.view.revealed(task_variables(self.view, run, task)))
        except ExpressionError as exc:
            return False, f"runIf of '{task.id}' cannot be evaluated: {exc}"
        return not is_truthy(value), None

    def _finish(self, run: TaskRun, state: State, outputs: dict[str, Any] | None) -> None:
        # One copy of the run with every change, not one per change.
        changes: dict[str, Any] = {"state": run.state.to(state, self.now)}
        if run.attempts:
            last = run.attempts[-1]
            attempt = attempt_in(last.state.to(state, self.now))
            changes["attempts"] = (*run.attempts[:-1], attempt)
        if outputs is not None:
            changes["outputs"] = outputs
        self._save(evolve(run, **changes))
        self.pending.append(run.parent_task_run_id)

    def _save(self, run: TaskRun) -> TaskRun:
        self.view.put(run)
        self.step.changed[run.id] = run
        return run

    def _set_execution_state(self, state: State) -> None:
        execution = self.view.execution
        self.view.execution = evolve(execution, state=execution.state.to(state, self.now))
        self.step.execution_changed = True

    def _start_subflow(self, running: TaskRun, task: SubflowTask) -> None:
        """Start the executions a subflow task asks for (``Subflows`` provides it)."""
        raise NotImplementedError

    def _time_out(self, run: TaskRun) -> None:
        """End a run that ran out of time (``Lifecycle`` provides it)."""
        raise NotImplementedError


class _ExecutionConditions:
    """The ``ConditionContext`` of an execution held by a view."""

    def __init__(self, view: ExecutionView) -> None:
        self._view = view
        self._variables: dict[str, Any] | None = None

    @property
    def state(self) -> State:
        return self._view.execution.state.current

    @property
    def namespace(self) -> str:
        return self._view.execution.namespace

    @property
    def flow_id(self) -> str:
        return self._view.execution.flow_id

    @property
    def variables(self) -> Mapping[str, Any]:
        # What Flow triggers see of an upstream execution (its labels, flow outputs and task
        # runs under `execution`), so that the same conditions work in a listener.
        if self._variables is None:
            runs = [self._view.runs[run_id] for run_id in self._view.order]
            base = base_variables(self._view)
            self._variables = upstream_variables(self._view.execution, runs, base)
        return self._variables

    def render(self, value: Any) -> Any:
        return render_value(value, self.variables)


def _dispatched_at_once(task: Task) -> bool:
    """Whether a new run of ``task`` goes to a worker within the step that creates it, with
    nothing evaluated on it before (a runnable task without a timeout or a ``runIf``)."""
    if isinstance(task, FlowableTask | SubflowTask | ExecutionTask) or task.timeout is not None:
        return False
    return task.run_if.strip() in ("", "true")


def with_state(run: TaskRun, state: State, now: datetime) -> TaskRun:
    """``run`` having entered ``state`` at ``now``."""
    return evolve(run, state=run.state.to(state, now))
