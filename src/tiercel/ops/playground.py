"""Run one task of a flow alone (Kestra's Playground), reusing a previous execution's outputs.

A playground run is an ordinary execution of the flow's revision that carries the system
label ``system.playground`` (the id of the task it runs). Two things make it "one task":

- ``narrowed`` gives the executor a copy of the flow whose only task is that one (no errors,
  finally, afterExecution, triggers, concurrency limit nor flow retry), so nothing else runs;
- ``prepare`` copies the task runs of the tasks written before it in the flow from a chosen
  ended execution, so ``{{ outputs.<earlier task>... }}`` reads what that execution produced.

Searches leave these executions out (``ExecutionFilter.playground``), as Kestra's executions
list leaves out its ``PLAYGROUND`` kind.
"""

from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

from tiercel.engine import Start
from tiercel.engine.inputs import resolve_inputs
from tiercel.expr import render_typed
from tiercel.model.errors import Path
from tiercel.model.execution import Execution, ExecutionMetadata, RunState, TaskRun
from tiercel.model.flow import Flow
from tiercel.model.labels import PLAYGROUND_LABEL, Label
from tiercel.model.state import State
from tiercel.model.task import Task, walk_tasks
from tiercel.ops.executions import (
    InvalidRequestError,
    NotFoundError,
    OperationError,
    copy_runs,
)
from tiercel.storage.ports import ExecutionStore

CORRELATION_LABEL = "system.correlationId"


def playground_task(execution: Execution) -> str | None:
    """The id of the task a playground run runs; None for any other execution."""
    return next((x.value for x in execution.labels if x.key == PLAYGROUND_LABEL), None)


def task_order(flow: Flow) -> list[str]:
    """Every task id of the flow in the order it is written (a flowable before its children)."""
    return [task.id for _, task in flow.all_tasks()]


def earlier_tasks(flow: Flow, task_id: str) -> set[str]:
    """The ids of the tasks written before ``task_id``, less the flowables that hold it (they
    are not done before it: it runs inside them)."""
    order = task_order(flow)
    holders = {
        task.id
        for _, task in flow.all_tasks()
        if any(inner.id == task_id for _, inner in walk_tasks_of(task))
    }
    return set(order[: order.index(task_id)]) - holders


def walk_tasks_of(task: Task) -> Iterator[tuple[Path, Task]]:
    """Every task below ``task``, at any depth."""
    for path, child in task.child_tasks():
        yield from walk_tasks([child], path)


def narrowed(flow: Flow, execution: Execution) -> Flow:
    """The flow the executor runs ``execution`` with: ``flow`` itself, or for a playground
    run a copy holding only its task (found at any depth, run at the top level)."""
    task_id = playground_task(execution)
    if task_id is None:
        return flow
    task = next((t for _, t in flow.all_tasks() if t.id == task_id), None)
    if task is None:  # the revision lost the task: the run fails on its missing task
        return flow
    return flow.model_copy(
        update={
            "tasks": [task],
            "errors": None,
            "finally_": None,
            "after_execution": None,
            "triggers": None,
            "concurrency": None,
            "retry": None,
            "sla": None,
            "checks": None,
            "outputs": None,
            "listeners": None,
        }
    )


def prepare(
    store: ExecutionStore,
    flow: Flow,
    task_id: str,
    *,
    previous_id: str | None,
    new_id: Callable[[], str],
    now: datetime,
) -> tuple[str, Start]:
    """Store a playground run of ``task_id`` and return its id and the event that starts it.

    Args:
        store: The execution store.
        flow: The deployed revision the task is read from.
        task_id: The task to run.
        previous_id: An ended execution of the same flow whose inputs and earlier outputs the
            run reuses; without one the inputs take their defaults and no output exists.
        new_id: Makes ids.
        now: The time.

    Raises:
        InvalidRequestError: the task is not in the flow, or the previous execution is of
            another flow.
        OperationError: the previous execution has not ended.
        NotFoundError: the previous execution does not exist.
        InputError: without a previous execution, a required input has no default.
    """
    order = task_order(flow)
    if task_id not in order:
        raise InvalidRequestError(
            f"task '{task_id}' is not a task of flow '{flow.namespace}.{flow.id}'"
            f" (its tasks: {', '.join(order)})"
        )
    before = earlier_tasks(flow, task_id)
    execution_id = new_id()
    inputs: dict[str, Any] = {}
    runs: list[TaskRun] = []
    if previous_id is not None:
        previous = _previous(store, flow, previous_id)
        inputs = dict(previous[0].inputs)
        kept = [run for run in previous[1] if run.task_id in before]
        runs = copy_runs(kept, execution_id, new_id)[1]
    else:
        context = {
            "flow": {"id": flow.id, "namespace": flow.namespace, "revision": flow.revision},
            "execution": {"id": execution_id},
        }
        inputs = resolve_inputs(
            flow.inputs or [],
            {},
            render=lambda value: render_typed(value, context) if isinstance(value, str) else value,
        )
    labels = (
        *(flow.labels or ()),
        Label.model_construct(key=PLAYGROUND_LABEL, value=task_id),
        Label.model_construct(key=CORRELATION_LABEL, value=execution_id),
    )
    execution = Execution.model_construct(
        id=execution_id,
        namespace=flow.namespace,
        flow_id=flow.id,
        flow_revision=flow.revision or 1,
        state=RunState.start(State.CREATED, now),
        inputs=inputs,
        outputs=None,
        labels=labels,
        variables=None,
        parent_id=None,
        original_id=previous_id,
        trigger=None,
        metadata=ExecutionMetadata.model_construct(attempt_number=1, original_created_date=now),
        schedule_date=None,
        deleted=False,
    )
    store.save(execution, runs)
    return execution_id, Start()


def _previous(
    store: ExecutionStore, flow: Flow, previous_id: str
) -> tuple[Execution, list[TaskRun]]:
    loaded = store.load(previous_id)
    if loaded is None:
        raise NotFoundError(f"execution '{previous_id}' not found")
    execution, runs = loaded
    if (execution.namespace, execution.flow_id) != (flow.namespace, flow.id):
        raise InvalidRequestError(
            f"execution '{previous_id}' is of flow '{execution.namespace}.{execution.flow_id}',"
            f" not '{flow.namespace}.{flow.id}'"
        )
    if not execution.state.current.is_terminated:
        raise OperationError(
            f"execution '{previous_id}' is {execution.state.current.value}: pick an ended one"
        )
    return execution, runs
