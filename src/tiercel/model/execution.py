"""Executions and task runs: the record of one run of a flow, in Kestra's JSON shape.

Records are built by Tiercel itself, never parsed from a user's YAML, so the code that makes
them uses ``model_construct`` (no validation, Python field names). Task runs are kept apart
from their execution (the storage keeps them as rows, one per task
run) so that recording one transition costs the same however large the execution grows.
``Execution.to_kestra_json`` puts the two back together as Kestra's API returns them.
"""

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any, TypeVar

from pydantic import BaseModel, Field

from tiercel.model.base import KestraModel
from tiercel.model.labels import Label
from tiercel.model.property import format_duration
from tiercel.model.secrets import masked_encrypted
from tiercel.model.state import State

_Record = TypeVar("_Record", bound=BaseModel)
_set = object.__setattr__


def build(cls: type[_Record], fields: dict[str, Any]) -> _Record:
    """A record of ``cls`` holding ``fields`` (Python names, every field given), unvalidated.

    What ``model_construct`` does, without its per-call look-ups of defaults, aliases and
    extras: the engine makes several of these per task run, on its hottest path.
    """
    record = cls.__new__(cls)
    _set(record, "__dict__", fields)
    _set(record, "__pydantic_fields_set__", _all_fields(cls, fields))
    _set(record, "__pydantic_extra__", None)
    _set(record, "__pydantic_private__", None)
    return record


def evolve(record: _Record, **changes: Any) -> _Record:
    """``record`` with ``changes`` (Python field names), unvalidated: ``model_copy(update=)``
    without its generic copying."""
    copy = type(record).__new__(type(record))
    _set(copy, "__dict__", {**record.__dict__, **changes})
    names = record.__pydantic_fields_set__
    _set(
        copy,
        "__pydantic_fields_set__",
        names if changes.keys() <= names else names | changes.keys(),
    )
    _set(copy, "__pydantic_extra__", None)
    _set(copy, "__pydantic_private__", None)
    return copy


_FIELD_NAMES: dict[type[BaseModel], set[str]] = {}


def _all_fields(cls: type[BaseModel], fields: dict[str, Any]) -> set[str]:
    """The set of names of every field of ``cls``, one per class, shared by its records.

    A set of its own per record would be one more object for the cyclic collector to walk,
    several per task run, for as long as an execution is held (its 10,000-run loops most of
    all). Sharing is safe: pydantic copies a record's set before it adds to it (``model_copy``)
    and never changes it in place on a frozen model, and ``evolve`` makes a new one.
    """
    names = _FIELD_NAMES.get(cls)
    if names is None:
        names = _FIELD_NAMES[cls] = set(cls.model_fields)
    # Every field is given, by contract; a caller that gives fewer gets a set of its own.
    return names if len(fields) == len(names) else set(fields)


class StateHistory(KestraModel):
    """One state entered, and when."""

    state: State
    date: datetime


class RunState(KestraModel):
    """A current state with every state before it."""

    current: State
    histories: tuple[StateHistory, ...]

    @classmethod
    def start(cls, state: State, now: datetime) -> "RunState":
        """A new history beginning with ``state``."""
        entry = build(StateHistory, {"state": state, "date": now})
        return build(cls, {"current": state, "histories": (entry,)})

    def to(self, state: State, now: datetime) -> "RunState":
        """This history with ``state`` entered at ``now``."""
        entry = build(StateHistory, {"state": state, "date": now})
        return build(RunState, {"current": state, "histories": (*self.histories, entry)})

    @property
    def start_date(self) -> datetime:
        """When the first state was entered."""
        return self.histories[0].date

    @property
    def end_date(self) -> datetime | None:
        """When the final state was entered, once there is one."""
        return self.histories[-1].date if self.current.is_terminated else None

    @property
    def duration(self) -> timedelta:
        """From the first state to the final one, or to the last state entered so far."""
        return self.histories[-1].date - self.histories[0].date

    def to_kestra_json(self) -> dict[str, Any]:
        """Kestra's ``State`` object."""
        return state_json(self.model_dump(mode="json"))


class Attempt(KestraModel):
    """One try at running a task."""

    state: RunState


def attempt_in(state: RunState) -> Attempt:
    """An attempt in ``state``."""
    return build(Attempt, {"state": state})


class TaskRun(KestraModel):
    """One run of one task (several for a task inside a loop: one per value)."""

    id: str
    execution_id: str
    namespace: str
    flow_id: str
    task_id: str
    parent_task_run_id: str | None = None
    value: str | None = None
    iteration: int | None = None
    attempts: tuple[Attempt, ...] = ()
    outputs: dict[str, Any] | None = None
    state: RunState
    memo: dict[str, Any] | None = None
    """A flowable's private notes (its rendered loop values...); not part of Kestra's JSON."""

    def to_kestra_json(self) -> dict[str, Any]:
        """Kestra's ``TaskRun`` object."""
        # Dumped by pydantic (in Rust), then shaped by the same function as a stored document;
        # the outputs as they are, since they may hold values JSON has no type for yet.
        document = self.model_dump(mode="json", by_alias=True, exclude=_NOT_DUMPED)
        document["outputs"] = self.outputs
        return task_run_json(document)


class ExecutionTrigger(KestraModel):
    """What started an execution, when a trigger did."""

    id: str
    type: str
    variables: dict[str, Any] | None = None


class ExecutionMetadata(KestraModel):
    """Bookkeeping across restarts."""

    attempt_number: int = 1
    original_created_date: datetime | None = None


class Execution(KestraModel):
    """One run of a flow, without its task runs (stored apart, one per row)."""

    id: str
    namespace: str
    flow_id: str
    flow_revision: int = 1
    state: RunState
    inputs: dict[str, Any] = Field(default_factory=dict)
    outputs: dict[str, Any] | None = None
    labels: tuple[Label, ...] = ()
    variables: dict[str, Any] | None = None
    parent_id: str | None = None
    original_id: str | None = None
    trigger: ExecutionTrigger | None = None
    metadata: ExecutionMetadata = Field(default_factory=ExecutionMetadata)
    schedule_date: datetime | None = None
    deleted: bool = False

    def to_kestra_json(self, task_runs: list[TaskRun]) -> dict[str, Any]:
        """Kestra's ``Execution`` object, with its ``taskRunList``; encrypted values (SECRET
        inputs) show as ``******``."""
        return {
            "id": self.id,
            "namespace": self.namespace,
            "flowId": self.flow_id,
            "flowRevision": self.flow_revision,
            "state": self.state.to_kestra_json(),
            "taskRunList": [run.to_kestra_json() for run in task_runs],
            "inputs": masked_encrypted(self.inputs),
            "outputs": masked_encrypted(self.outputs),
            "labels": [{"key": label.key, "value": label.value} for label in self.labels],
            "variables": self.variables,
            "parentId": self.parent_id,
            "originalId": self.original_id or self.id,
            "trigger": masked_encrypted(self.trigger.model_dump(by_alias=True))
            if self.trigger
            else None,
            "metadata": {
                "attemptNumber": self.metadata.attempt_number,
                "originalCreatedDate": format_instant(
                    self.metadata.original_created_date or self.state.start_date
                ),
            },
            "scheduleDate": format_instant(self.schedule_date) if self.schedule_date else None,
            "deleted": self.deleted,
        }


_NOT_DUMPED = {"memo", "outputs"}
_TERMINATED = frozenset(state.value for state in State if state.is_terminated)


def state_json(state: Mapping[str, Any]) -> dict[str, Any]:
    """Kestra's ``State`` object from a ``RunState``'s JSON form (``current`` and
    ``histories`` of ``{state, date}``, dates as ISO-8601 text written as ``format_instant``
    writes them): the histories as they are, with the start and end dates and the duration.
    """
    histories = state["histories"]
    first = histories[0]["date"]
    last = histories[-1]["date"]
    current = state["current"]
    return {
        "current": current,
        "histories": histories,
        "startDate": first,
        "endDate": last if current in _TERMINATED else None,
        "duration": "PT0S" if first == last else _duration(first, last),
    }


def task_run_json(document: Mapping[str, Any], *, encrypted: bool = True) -> dict[str, Any]:
    """Kestra's ``TaskRun`` object from a ``TaskRun``'s JSON form (camelCase keys, as the
    model dumps it and the stores keep it), without parsing it into the model: reading an
    execution of 10,000 task runs then costs a JSON decode rather than a model each.

    Args:
        document: The task run's JSON form; its ``memo`` is left out.
        encrypted: Whether its outputs may hold encrypted values (shown as ``******``); False
            skips looking for them (the stored text does not name their type).
    """
    outputs = document.get("outputs")
    attempts = document.get("attempts")
    return {
        "id": document["id"],
        "executionId": document["executionId"],
        "namespace": document["namespace"],
        "flowId": document["flowId"],
        "taskId": document["taskId"],
        "parentTaskRunId": document.get("parentTaskRunId"),
        "value": document.get("value"),
        "iteration": document.get("iteration"),
        "attempts": [{"state": state_json(a["state"])} for a in attempts] if attempts else None,
        "outputs": masked_encrypted(outputs) if encrypted and outputs else outputs,
        "state": state_json(document["state"]),
    }


def _duration(first: str, last: str) -> str:
    return format_duration(datetime.fromisoformat(last) - datetime.fromisoformat(first))


def format_instant(moment: datetime) -> str:
    """A moment as Kestra's JSON writes an ``Instant``: ISO-8601, ``Z`` for UTC."""
    text = moment.isoformat()
    return text.replace("+00:00", "Z")
