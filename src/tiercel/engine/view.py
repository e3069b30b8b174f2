"""An execution with its task runs, indexed for the questions the engine asks on every event.

Every index is updated as runs change, so that resolving one event costs the same whether
the execution has ten task runs or ten thousand.
"""

from collections.abc import Callable, ItemsView, Iterable, Iterator, KeysView, Mapping, ValuesView
from typing import Any

from tiercel.engine.counts import RunCounts
from tiercel.model.execution import Execution, TaskRun
from tiercel.model.flow import Flow
from tiercel.model.state import State
from tiercel.model.task import Task
from tiercel.sdk.flowable import Branches
from tiercel.sdk.task import FlowableTask, enabled


class LiveMap(dict[str, Any]):
    """A level of the ``outputs`` and ``tasks`` trees: the executor adds to it while tasks
    already sent to worker threads read it.

    Looking a key up is one step of the interpreter and always safe. Walking the map (a
    template's ``for``, ``keys``, ``toJson``, the worker opening SECRET values) goes over a copy
    taken in one step, so a reader never meets "dictionary changed size during iteration"
    when a sibling's outputs arrive meanwhile.
    """

    __slots__ = ()

    def _snapshot(self) -> dict[str, Any]:
        # list() over the C view runs without yielding the GIL: a consistent copy.
        return dict(list(dict.items(self)))

    def __iter__(self) -> Iterator[str]:
        return iter(self._snapshot())

    def keys(self) -> KeysView[str]:  # type: ignore[override]
        return self._snapshot().keys()

    def values(self) -> ValuesView[Any]:  # type: ignore[override]
        return self._snapshot().values()

    def items(self) -> ItemsView[str, Any]:  # type: ignore[override]
        return self._snapshot().items()


class FlowIndex:
    """Every task of a flow by id, with the id of the task that holds it (None at the top)."""

    def __init__(self, flow: Flow) -> None:
        self.flow = flow
        self.tasks: dict[str, Task] = {}
        self.parent_of: dict[str, str | None] = {}
        self.handlers: set[str] = set()
        """Ids of the tasks of every ``errors`` and ``finally`` branch."""
        self.root = Branches(
            enabled(flow.tasks), enabled(flow.errors or []), enabled(flow.finally_ or [])
        )
        """The flow's own branches, as the root of the execution is resolved on every event."""
        top = [*flow.tasks, *(flow.errors or []), *(flow.finally_ or [])]
        top += flow.after_execution or []
        top += [task for listener in flow.listeners or [] for task in listener.tasks]
        self.handlers.update(task.id for task in [*(flow.errors or []), *(flow.finally_ or [])])
        stack: list[tuple[Task, str | None]] = [(task, None) for task in top]
        while stack:
            task, parent = stack.pop()
            self.tasks[task.id] = task
            self.parent_of[task.id] = parent
            for path, child in task.child_tasks():
                stack.append((child, task.id))
                if path and path[0] in ("errors", "finally"):
                    self.handlers.add(child.id)
            if isinstance(task, FlowableTask):
                stack.extend((child, task.id) for child in task.internal_tasks())

    def task(self, task_id: str) -> Task:
        """The task with this id."""
        return self.tasks[task_id]


class ExecutionView:
    """The working state of one execution: its record, its task runs and their indexes."""

    def __init__(
        self,
        flow: Flow,
        execution: Execution,
        runs: Iterable[TaskRun] = (),
        *,
        environment: Mapping[str, Any] | None = None,
        reveal: Callable[[dict[str, Any]], dict[str, Any]] | None = None,
        index: FlowIndex | None = None,
    ) -> None:
        """Index ``runs`` of ``execution``.

        Args:
            flow: The flow the execution runs.
            execution: Its record.
            runs: Its task runs so far, in creation order.
            environment: ``envs`` and ``globals`` as the server is configured.
            reveal: Decrypts the SECRET values of variables that the executor itself
                evaluates (a flowable's properties, ``runIf``); the variables sent with a task
                to a worker stay encrypted, and the worker decrypts them.
            index: ``FlowIndex(flow)`` when the caller keeps one per flow (a flow is
                immutable, so one index serves all its executions).
        """
        self.flow = flow
        self.environment = dict(environment or {})
        self._reveal = reveal
        self.index = index if index is not None and index.flow is flow else FlowIndex(flow)
        self.execution = execution
        self.runs: dict[str, TaskRun] = {}
        self.order: list[str] = []
        self._by_value: dict[tuple[str | None, str, str | None, int | None], str] = {}
        self._counts = RunCounts()
        self.outputs: dict[str, Any] = LiveMap()
        self.base_variables: tuple[Execution, dict[str, Any]] | None = None
        """``context.base_variables``' last answer, with the execution record it was built
        from: built again only once the record has changed."""
        self.states: dict[str, Any] = LiveMap()
        """``tasks.<id>.state``, nested by loop values like the outputs."""
        for run in runs:
            self.put(run)

    def revealed(self, variables: dict[str, Any]) -> dict[str, Any]:
        """``variables`` with their SECRET values decrypted, for the executor's own use."""
        return variables if self._reveal is None else self._reveal(variables)

    # Reading

    def child(
        self,
        parent_id: str | None,
        task_id: str,
        value: str | None,
        iteration: int | None = None,
    ) -> TaskRun | None:
        """The run of ``task_id`` under ``parent_id`` for ``value`` (and loop ``iteration``)."""
        run_id = self._by_value.get((parent_id, task_id, value, iteration))
        return self.runs[run_id] if run_id is not None else None

    def count(
        self, parent_id: str | None, task_ids: frozenset[str], terminated: bool | None
    ) -> int:
        """How many runs of these tasks exist under ``parent_id`` (all, ended or live)."""
        if terminated is None:
            return self._counts.created(parent_id, task_ids)
        live = self._counts.live(parent_id, task_ids)
        if terminated:
            return self._counts.created(parent_id, task_ids) - live
        return live

    def effective_states(self, parent_id: str | None, task_ids: frozenset[str]) -> frozenset[State]:
        """The states ended runs of these tasks count as for their parent."""
        return self._counts.ended_states(parent_id, task_ids)

    def ancestors(self, run: TaskRun) -> Iterator[TaskRun]:
        """The runs enclosing ``run``, nearest first."""
        parent_id = run.parent_task_run_id
        while parent_id is not None:
            parent = self.runs[parent_id]
            yield parent
            parent_id = parent.parent_task_run_id

    # Writing

    def put(self, run: TaskRun) -> None:
        """Add a run or replace it with a newer version, keeping every index right."""
        old = self.runs.get(run.id)
        key = (run.parent_task_run_id, run.task_id)
        counted_as = self._counted_as(run)
        if old is None:
            self.order.append(run.id)
            child_key = (run.parent_task_run_id, run.task_id, run.value, run.iteration)
            self._by_value[child_key] = run.id
            self._counts.add(key, counted_as)
        else:
            self._counts.move(key, self._counted_as(old), counted_as)
        self.runs[run.id] = run
        if run.outputs is not None and (old is None or old.outputs != run.outputs):
            self._store_outputs(run)
        if old is None or old.state.current is not run.state.current:
            self._nest_under_values(self.states, run, {"state": run.state.current.value})

    def _counted_as(self, run: TaskRun) -> State | None:
        """None while ``run`` is live; once ended, the state it counts as for its parent."""
        return self._effective(run) if run.state.current.is_terminated else None

    def _effective(self, run: TaskRun) -> State:
        state = run.state.current
        task = self.index.tasks.get(run.task_id)
        if task is not None:
            if state is State.FAILED and task.allow_failure:
                state = State.WARNING
            if state is State.WARNING and task.allow_warning:
                state = State.SUCCESS
        if state is State.SKIPPED:
            state = State.SUCCESS
        return state

    def _store_outputs(self, run: TaskRun) -> None:
        self._nest_under_values(self.outputs, run, run.outputs)

    def _nest_under_values(self, tree: dict[str, Any], run: TaskRun, leaf: Any) -> None:
        # Inside loops, a task's entry is nested by the value of each enclosing loop,
        # outermost first: outputs.t[parent.taskrun.value][taskrun.value].
        values = [r.value for r in self.ancestors(run) if r.value is not None][::-1]
        if run.value is not None:
            values.append(run.value)
        if not values:
            tree[run.task_id] = leaf
            return
        node = tree.setdefault(run.task_id, LiveMap())
        for value in values[:-1]:
            node = node.setdefault(value, LiveMap())
        node[values[-1]] = leaf

    def remove(self, run_id: str) -> None:
        """Forget a run (a restart drops the runs of error branches)."""
        run = self.runs.pop(run_id)
        key = (run.parent_task_run_id, run.task_id)
        self.order.remove(run_id)
        del self._by_value[(run.parent_task_run_id, run.task_id, run.value, run.iteration)]
        self._counts.drop(key, self._counted_as(run))

    def task_runs(self) -> list[TaskRun]:
        """Every task run, in creation order."""
        return [self.runs[run_id] for run_id in self.order]
