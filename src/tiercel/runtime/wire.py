"""Jobs and events between processes as versioned JSON.

Every payload the work queue carries is an envelope ``{"major", "minor", "kind", "body"}``
in UTF-8 JSON. ``kind`` names what the body is: a job for a worker (``run-task``) or an event
for the executor's inbox (``start``, ``task-result``, ``admit``...). Bodies hold ids and plain
data: a task travels as its id and the revision of its flow, which the worker loads and
indexes itself, never as a serialised object.

Versions: a reader accepts every payload of its own ``MAJOR``, whatever its ``MINOR`` (a minor
version only adds fields with defaults). A payload of another major version raises
``ForeignVersion``: the caller leaves it in the queue, where a process of that version can
take it, and says so once. Anything else it cannot read raises ``WireError``.

Events are the engine's own dataclasses, (de)serialised by pydantic; ``tests`` pins their JSON
schema, so that changing one without a version bump fails.
"""

import json
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, Final, Literal, assert_never

from pydantic import BaseModel, ConfigDict, TypeAdapter, ValidationError

from tiercel.engine import (
    ChangeTaskRunState,
    Event,
    FlowIndex,
    Kill,
    Recover,
    Restart,
    Resume,
    RunTask,
    SetLabels,
    SharedDirectory,
    SlaExpired,
    Start,
    SubflowEnded,
    TaskResult,
    Wake,
)
from tiercel.model.execution import TaskRun
from tiercel.model.flow import Flow
from tiercel.model.task import Task
from tiercel.runtime.ports import Admit

__all__ = [
    "EVENT_KINDS",
    "MAJOR",
    "MINOR",
    "Admit",
    "ForeignVersion",
    "InboxEvent",
    "TaskFinder",
    "WireError",
    "decode_event",
    "decode_job",
    "encode_event",
    "encode_job",
    "json_schemas",
]

MAJOR: Final = 1
"""Bumped when a payload changes so that a reader of the previous version cannot read it."""

MINOR: Final = 0
"""Bumped when a payload gains a field with a default: readers of the same major read it."""


class WireError(ValueError):
    """A payload this process cannot read: damaged, or of a kind it does not know."""


class ForeignVersion(WireError):
    """A payload written by a process of another major version.

    Attributes:
        major: The payload's major version.
        minor: The payload's minor version.
        kind: What the payload says it holds.
    """

    def __init__(self, major: int, minor: int, kind: str) -> None:
        super().__init__(
            f"a '{kind}' payload of wire version {major}.{minor}, "
            f"this process reads version {MAJOR}.x"
        )
        self.major = major
        self.minor = minor
        self.kind = kind


InboxEvent = Event | Admit
"""What the executor's inbox holds."""


class _Envelope(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    major: int
    minor: int
    kind: str
    body: Any = None


# --- events --------------------------------------------------------------------------------

EVENT_KINDS: Final[dict[str, type[Any]]] = {
    "start": Start,
    "task-result": TaskResult,
    "kill": Kill,
    "recover": Recover,
    "restart": Restart,
    "resume": Resume,
    "subflow-ended": SubflowEnded,
    "wake": Wake,
    "change-task-run-state": ChangeTaskRunState,
    "set-labels": SetLabels,
    "sla-expired": SlaExpired,
    "admit": Admit,
}
"""Each event's kind on the wire."""

_ADAPTERS: Final[dict[str, TypeAdapter[Any]]] = {
    kind: TypeAdapter(cls) for kind, cls in EVENT_KINDS.items()
}


def encode_event(event: InboxEvent) -> bytes:
    """``event`` as a payload for the executor's inbox.

    Raises:
        WireError: Something in the event is not plain data (JSON cannot hold it).
    """
    kind = _kind_of(event)
    try:
        body = _ADAPTERS[kind].dump_json(event, by_alias=True)
    except ValueError as exc:  # pydantic's serialisation errors are ValueErrors
        raise WireError(f"a '{kind}' event cannot be written as JSON: {exc}") from None
    return _envelope(kind, body)


def _kind_of(event: InboxEvent) -> str:
    # A match that must name every kind: mypy rejects an event kind with no case.
    match event:
        case Start():
            return "start"
        case TaskResult():
            return "task-result"
        case Kill():
            return "kill"
        case Recover():
            return "recover"
        case Restart():
            return "restart"
        case Resume():
            return "resume"
        case SubflowEnded():
            return "subflow-ended"
        case Wake():
            return "wake"
        case ChangeTaskRunState():
            return "change-task-run-state"
        case SetLabels():
            return "set-labels"
        case SlaExpired():
            return "sla-expired"
        case Admit():
            return "admit"
        case _:
            assert_never(event)


def decode_event(payload: bytes) -> InboxEvent:
    """An event read from the executor's inbox.

    Raises:
        ForeignVersion: The payload is of another major version.
        WireError: The payload is damaged or of an unknown kind.
    """
    envelope = _open(payload)
    adapter = _ADAPTERS.get(envelope.kind)
    if adapter is None:
        raise WireError(f"'{envelope.kind}' is not an event kind")
    try:
        event: InboxEvent = adapter.validate_python(envelope.body)
    except ValidationError as exc:
        raise WireError(f"a '{envelope.kind}' event is malformed: {_first(exc)}") from None
    return event


# --- jobs ----------------------------------------------------------------------------------

_JOB_KIND: Final = "run-task"


class _Directory(BaseModel):
    """The working directory a job shares with the flowable that owns it."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    owner_run_id: str
    owner_task_id: str
    owner_variables: dict[str, Any]


class _TaskJob(BaseModel):
    """One attempt of a task run for a worker: the task by its id in a flow revision."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    run: TaskRun
    flow_revision: int
    task_id: str
    variables: dict[str, Any]
    directory: _Directory | None = None
    finish: bool = False


def encode_job(command: RunTask, flow_revision: int) -> bytes:
    """``command`` as a job payload; ``flow_revision`` is the revision its task is read from.

    Raises:
        WireError: Something in the variables is not plain data (JSON cannot hold it).
    """
    directory = command.directory
    job = _TaskJob(
        run=command.run,
        flow_revision=flow_revision,
        task_id=command.task.id,
        variables=command.variables,
        directory=None
        if directory is None
        else _Directory(
            owner_run_id=directory.owner_run_id,
            owner_task_id=directory.owner.id,
            owner_variables=directory.owner_variables,
        ),
        finish=command.finish,
    )
    try:
        body = job.model_dump_json(by_alias=True)
    except ValueError as exc:
        raise WireError(f"a job cannot be written as JSON: {exc}") from None
    return _envelope(_JOB_KIND, body.encode())


TaskLookup = Callable[[str, str, int, str], Task]
"""Finds a task by namespace, flow id, flow revision and task id; raises ``WireError``."""


def decode_job(payload: bytes, find_task: TaskLookup) -> RunTask:
    """A job read from the work queue, its task (and its directory's owner) found by
    ``find_task``.

    Raises:
        ForeignVersion: The payload is of another major version.
        WireError: The payload is damaged, or its task cannot be found.
    """
    job = _read_job(payload)
    run = job.run
    task = find_task(run.namespace, run.flow_id, job.flow_revision, job.task_id)
    directory = None
    if job.directory is not None:
        owner = find_task(
            run.namespace, run.flow_id, job.flow_revision, job.directory.owner_task_id
        )
        directory = SharedDirectory(
            job.directory.owner_run_id, owner, job.directory.owner_variables
        )
    return RunTask(run, task, job.variables, directory, job.finish)


class _JobEnvelope(BaseModel):
    """A job of this version, read in one pass."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    major: int
    minor: int
    kind: Literal["run-task"]
    body: _TaskJob


def _read_job(payload: bytes) -> _TaskJob:
    try:
        typed = _JobEnvelope.model_validate_json(payload)
    except ValidationError:
        pass
    else:
        if typed.major == MAJOR:
            return typed.body
    # Not a job of this version: read it again, to say why.
    envelope = _open(payload)
    if envelope.kind != _JOB_KIND:
        raise WireError(f"'{envelope.kind}' is not a job kind")
    try:
        return _TaskJob.model_validate(envelope.body)
    except ValidationError as exc:
        raise WireError(f"a '{_JOB_KIND}' job is malformed: {_first(exc)}") from None


class TaskFinder:
    """``TaskLookup`` over a flow finder, keeping the last flows' indexes: a flow revision
    never changes, and a worker runs many tasks of few flows.

    Args:
        find_flow: The flow of a namespace, id and revision, or None.
        size: How many flow revisions to keep indexed.
    """

    def __init__(self, find_flow: Callable[[str, str, int], Flow | None], size: int = 64) -> None:
        self._find_flow = find_flow
        self._size = size
        self._indexes: OrderedDict[tuple[str, str, int], FlowIndex] = OrderedDict()
        self._lock = threading.Lock()

    def __call__(self, namespace: str, flow_id: str, revision: int, task_id: str) -> Task:
        key = (namespace, flow_id, revision)
        with self._lock:
            index = self._indexes.get(key)
            if index is not None:
                self._indexes.move_to_end(key)
        if index is None:
            flow = self._find_flow(namespace, flow_id, revision)
            if flow is None:
                raise WireError(f"revision {revision} of flow '{namespace}.{flow_id}' is not found")
            index = FlowIndex(flow)
            with self._lock:
                self._indexes[key] = index
                while len(self._indexes) > self._size:
                    self._indexes.popitem(last=False)
        task = index.tasks.get(task_id)
        if task is None:
            raise WireError(
                f"revision {revision} of flow '{namespace}.{flow_id}' has no task '{task_id}'"
            )
        return task


def json_schemas() -> dict[str, Any]:
    """The JSON schema of the body of every kind, by kind (a test pins them)."""
    schemas = {kind: adapter.json_schema() for kind, adapter in _ADAPTERS.items()}
    schemas[_JOB_KIND] = _TaskJob.model_json_schema(by_alias=True)
    return schemas


# --- envelopes -----------------------------------------------------------------------------


def _envelope(kind: str, body: bytes) -> bytes:
    """The envelope around a body already in JSON: the body is not encoded twice."""
    head = json.dumps({"major": MAJOR, "minor": MINOR, "kind": kind}, separators=(",", ":"))
    return b"".join((head[:-1].encode(), b',"body":', body, b"}"))


def _open(payload: bytes) -> _Envelope:
    try:
        envelope = _Envelope.model_validate_json(payload)
    except ValidationError as exc:
        raise WireError(f"not a wire payload: {_first(exc)}") from None
    if envelope.major != MAJOR:
        raise ForeignVersion(envelope.major, envelope.minor, envelope.kind)
    return envelope


def _first(exc: ValidationError) -> str:
    error = exc.errors(include_url=False)[0]
    where = ".".join(str(part) for part in error["loc"])
    return f"{where}: {error['msg']}" if where else str(error["msg"])
