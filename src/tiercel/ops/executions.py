"""Kill, resume and restart an execution."""

from collections.abc import Mapping
from typing import Any

from pydantic import TypeAdapter, ValidationError

from tiercel.engine import Kill, Restart, Resume
from tiercel.engine.inputs import InputError, resolve_inputs
from tiercel.model.execution import Execution, TaskRun
from tiercel.model.flow import Flow
from tiercel.model.input import AnyInput, Input
from tiercel.model.state import State
from tiercel.storage.ports import ExecutionStore

_INPUTS: TypeAdapter[list[Input]] = TypeAdapter(list[AnyInput])


class OperationError(Exception):
    """The operation does not apply to the execution as it is, or its inputs are refused."""


def kill(store: ExecutionStore, execution_id: str) -> Kill:
    """The event that kills a running, paused or queued execution."""
    execution, _ = _load(store, execution_id)
    if execution.state.current.is_terminated:
        raise OperationError(
            f"execution '{execution_id}' has already ended ({execution.state.current.value})"
        )
    return Kill()


def restart(store: ExecutionStore, execution_id: str) -> Restart:
    """The event that restarts an ended or paused execution in place."""
    execution, _ = _load(store, execution_id)
    state = execution.state.current
    if not (state.is_terminated or state is State.PAUSED):
        raise OperationError(
            f"execution '{execution_id}' is {state.value}: only an ended or paused execution "
            "can be restarted"
        )
    return Restart()


def resume(
    store: ExecutionStore,
    flows: Mapping[tuple[str, str], Flow],
    execution_id: str,
    inputs: Mapping[str, Any] | None = None,
) -> Resume:
    """The event that resumes a paused execution, with the ``onResume`` inputs its paused
    task asks for, typed and validated.

    Raises:
        OperationError: the execution is not paused, or the inputs are refused.
    """
    execution, runs = _load(store, execution_id)
    if execution.state.current is not State.PAUSED:
        raise OperationError(
            f"execution '{execution_id}' is {execution.state.current.value}, not PAUSED"
        )
    flow = flows.get((execution.namespace, execution.flow_id))
    if flow is None:
        raise OperationError(f"flow '{execution.namespace}.{execution.flow_id}' not found")
    declared = _on_resume_inputs(flow, runs)
    try:
        typed = resolve_inputs(declared, dict(inputs or {}), render=lambda value: value)
    except InputError as exc:
        raise OperationError(f"invalid resume inputs: {exc}") from None
    return Resume(typed if declared else dict(inputs or {}) or None)


def _on_resume_inputs(flow: Flow, runs: list[TaskRun]) -> list[Input]:
    by_id = {task.id: task for _, task in flow.all_tasks()}
    declared: list[Input] = []
    for run in runs:
        if run.state.current is not State.PAUSED:
            continue
        # Pause is the task that asks for inputs on resume (``onResume``).
        raw = getattr(by_id.get(run.task_id), "on_resume", None)
        if raw:
            try:
                declared.extend(_INPUTS.validate_python(raw))
            except ValidationError as exc:
                raise OperationError(f"{run.task_id}.onResume is not valid: {exc}") from None
    return declared


def _load(store: ExecutionStore, execution_id: str) -> tuple[Execution, list[TaskRun]]:
    stored = store.load(execution_id)
    if stored is None:
        raise OperationError(f"execution '{execution_id}' not found")
    return stored
