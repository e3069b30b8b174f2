"""Kill, resume, restart and replay an execution; change a task run's state; set labels."""

from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter, ValidationError

from tiercel.engine import ChangeTaskRunState, Kill, Restart, Resume, SetLabels, Start
from tiercel.engine.inputs import InputError, resolve_inputs
from tiercel.model.execution import Execution, RunState, TaskRun
from tiercel.model.flow import Flow
from tiercel.model.input import AnyInput, Input
from tiercel.model.labels import SYSTEM_PREFIX, Label
from tiercel.model.state import State
from tiercel.storage.ports import ExecutionStore, InternalStorage
from tiercel.storage.uris import input_file_uri

_RESTARTABLE = frozenset({State.FAILED, State.KILLED})

_INPUTS: TypeAdapter[list[Input]] = TypeAdapter(list[AnyInput])


class OperationError(Exception):
    """The operation does not apply to the execution as it is, or its inputs are refused."""


class NotFoundError(OperationError):
    """What the operation applies to does not exist."""


class InvalidRequestError(OperationError):
    """The request itself is refused, whatever the execution's state (a state that may not
    be set by hand, a system label)."""


SETTABLE_STATES = (State.SUCCESS, State.WARNING, State.FAILED)
"""The states a task run may be given by hand, as Kestra's UI offers them."""


def kill(store: ExecutionStore, execution_id: str, *, by: str | None = None) -> Kill:
    """The event that kills a running, paused or queued execution; ``by`` (who or what
    asked) is written in its log lines."""
    execution, _ = _load(store, execution_id)
    if execution.state.current.is_terminated:
        raise OperationError(
            f"execution '{execution_id}' has already ended ({execution.state.current.value})"
        )
    return Kill(by)


def restart(store: ExecutionStore, execution_id: str) -> Restart:
    """The event that restarts an ended or paused execution in place."""
    execution, runs = _load(store, execution_id)
    state = execution.state.current
    if not (state.is_terminated or state is State.PAUSED):
        raise OperationError(
            f"execution '{execution_id}' is {state.value}: only an ended or paused execution "
            "can be restarted"
        )
    if state.is_terminated and not any(run.state.current in _RESTARTABLE for run in runs):
        # As Kestra: a restart runs the failed task runs again; without one it has nothing to do.
        raise OperationError("No task found to restart execution from!")
    return Restart()


def replay(
    store: ExecutionStore,
    execution_id: str,
    *,
    new_id: Callable[[], str],
    now: datetime,
    task_run_id: str | None = None,
) -> tuple[str, Start | Restart]:
    """Store a new execution replaying an ended one; return its id and the event that runs it.

    Without ``task_run_id`` the new execution starts from scratch with the same inputs. With
    it, the task runs created before that one keep their state and outputs, and the run itself
    and everything after it run again. Either way ``originalId`` names the first execution.
    """
    execution, runs = _load(store, execution_id)
    if not execution.state.current.is_terminated:
        raise OperationError(
            f"execution '{execution_id}' is {execution.state.current.value}: only an ended "
            "execution can be replayed"
        )
    if task_run_id is not None and task_run_id not in {run.id for run in runs}:
        raise OperationError(f"task run '{task_run_id}' is not part of '{execution_id}'")
    replayed_id = new_id()
    copy = execution.model_copy(
        update={
            "id": replayed_id,
            "original_id": execution.original_id or execution.id,
            "metadata": execution.metadata.model_copy(
                update={"attempt_number": 1, "original_created_date": now}
            ),
            "outputs": None,
        }
    )
    if task_run_id is None:
        fresh = copy.model_copy(update={"state": RunState.start(State.CREATED, now)})
        store.save(fresh, ())
        return replayed_id, Start()
    ids, copied = copy_runs(runs, replayed_id, new_id)
    store.save(copy, copied)
    return replayed_id, Restart(from_task_run_id=ids[task_run_id])


def copy_runs(
    runs: list[TaskRun], execution_id: str, new_id: Callable[[], str]
) -> tuple[dict[str, str], list[TaskRun]]:
    """``runs`` as task runs of ``execution_id`` under new ids (a parent outside ``runs`` is
    dropped); the new id of each old one, and the copies."""
    ids = {run.id: new_id() for run in runs}
    copied = [
        run.model_copy(
            update={
                "id": ids[run.id],
                "execution_id": execution_id,
                "parent_task_run_id": ids.get(run.parent_task_run_id or ""),
            }
        )
        for run in runs
    ]
    return ids, copied


def resume_inputs(
    store: ExecutionStore, flows: Mapping[tuple[str, str], Flow], execution_id: str
) -> list[Input]:
    """The inputs a paused execution's paused task asks for on resume (``onResume``).

    Raises:
        OperationError: the execution is not paused, or its flow is unknown.
    """
    execution, runs = _load(store, execution_id)
    if execution.state.current is not State.PAUSED:
        raise OperationError(
            f"execution '{execution_id}' is {execution.state.current.value}, not PAUSED"
        )
    flow = flows.get((execution.namespace, execution.flow_id))
    if flow is None:
        raise NotFoundError(f"flow '{execution.namespace}.{execution.flow_id}' not found")
    return _on_resume_inputs(flow, runs)


def resume(
    store: ExecutionStore,
    flows: Mapping[tuple[str, str], Flow],
    execution_id: str,
    inputs: Mapping[str, Any] | None = None,
    *,
    storage: InternalStorage | None = None,
    seal: Callable[[str], Any] | None = None,
) -> Resume:
    """The event that resumes a paused execution, with the ``onResume`` inputs its paused
    task asks for, typed and validated; FILE inputs, given as local paths, are uploaded to
    ``storage`` beside the execution's own inputs (and deleted again when an input is refused);
    SECRET inputs are stored as ``seal`` encrypts them.

    Raises:
        OperationError: the execution is not paused, or the inputs are refused.
    """
    declared = resume_inputs(store, flows, execution_id)
    execution = store.get(execution_id)
    assert execution is not None  # resume_inputs found it
    stored: list[str] = []
    try:
        typed = resolve_inputs(
            declared,
            dict(inputs or {}),
            render=lambda value: value,
            store_file=None
            if storage is None
            else partial(_keep_uri, stored, partial(store_input_file, storage, execution)),
            seal=seal,
        )
    except InputError as exc:
        discard_files(storage, stored)
        raise OperationError(f"invalid resume inputs: {exc}") from None
    return Resume(typed if declared else dict(inputs or {}) or None)


def _keep_uri(stored: list[str], store_file: Callable[[str, Any], str], *args: Any) -> str:
    uri = store_file(*args)
    stored.append(uri)
    return uri


def discard_files(storage: InternalStorage | None, uris: Iterable[str]) -> None:
    """Delete the input files stored for a request that was then refused."""
    if storage is None:
        return
    for uri in uris:
        storage.delete(uri)


def change_task_run_state(
    store: ExecutionStore, execution_id: str, task_run_id: str, state: State
) -> ChangeTaskRunState:
    """The event that gives a task run of an ended (or paused) execution a new state, after
    which the execution goes on from there.

    Raises:
        InvalidRequestError: ``state`` is not one of ``SETTABLE_STATES``.
        NotFoundError: no such execution, or no such task run in it.
        OperationError: the execution is still running, or the task run is.
    """
    if state not in SETTABLE_STATES:
        allowed = ", ".join(s.value for s in SETTABLE_STATES)
        raise InvalidRequestError(
            f"a task run cannot be set to {state.value} by hand: use one of {allowed}"
        )
    execution, runs = _load(store, execution_id)
    current = execution.state.current
    if not (current.is_terminated or current is State.PAUSED):
        raise OperationError(
            f"execution '{execution_id}' is {current.value}: only an ended or paused "
            "execution can have a task run's state changed"
        )
    run = next((run for run in runs if run.id == task_run_id), None)
    if run is None:
        raise NotFoundError(f"task run '{task_run_id}' not found in execution '{execution_id}'")
    if not (run.state.current.is_terminated or run.state.current is State.PAUSED):
        raise OperationError(
            f"task run '{task_run_id}' ({run.task_id}) is {run.state.current.value}: only an "
            "ended or paused task run can have its state changed"
        )
    return ChangeTaskRunState(task_run_id, state)


def set_labels(
    store: ExecutionStore, execution_id: str, labels: Iterable[Label], *, merge: bool = False
) -> SetLabels:
    """The event that sets an execution's labels, running or ended.

    The labels replace the execution's own (user) labels; with ``merge``, they are added to
    them instead, replacing those with the same key. System labels (``system.*``) stay as they
    are and cannot be set or changed by hand. Labels with neither a key nor a value (an empty
    row of a form) are ignored.

    Raises:
        NotFoundError: no such execution.
        InvalidRequestError: a label has no key, or is a system label the execution lacks.
    """
    execution, _ = _load(store, execution_id)
    system = [(label.key, label.value) for label in execution.labels if _is_system(label)]
    wanted: dict[str, str] = {}
    if merge:
        wanted.update((label.key, label.value) for label in execution.labels)
    for label in labels:
        if not label.key and not label.value:
            continue
        if not label.key:
            raise InvalidRequestError(f"a label needs a key (value '{label.value}')")
        if _is_system(label) and (label.key, label.value) not in system:
            raise InvalidRequestError(
                "System labels can only be set by Kestra itself, offending label: "
                f"{label.key}={label.value}"
            )
        wanted[label.key] = label.value
    for key, value in system:  # kept whatever was asked, in their place at the end
        wanted.pop(key, None)
        wanted[key] = value
    return SetLabels(tuple(Label(key=key, value=value) for key, value in wanted.items()))


def _is_system(label: Label) -> bool:
    return label.key.startswith(SYSTEM_PREFIX)


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
        raise NotFoundError(f"execution '{execution_id}' not found")
    return stored


def store_input_file(
    storage: InternalStorage, execution: Execution, input_id: str, value: Any
) -> str:
    """Upload a FILE input given as a local path beside the execution; its ``kestra://`` URI.

    Raises:
        ValueError: no such file.
    """
    path = Path(str(value)).expanduser()
    if not path.is_file():
        raise ValueError(f"no such file: {path}")
    uri = input_file_uri(execution.namespace, execution.flow_id, execution.id, input_id, path.name)
    with path.open("rb") as stream:
        return storage.put(uri, stream)
