"""The records the log, metric and namespace-file stores hold, as frozen dataclasses.

Field names follow Kestra's ``LogEntry`` and ``MetricEntry`` (``core/models/executions``) in
snake case; times are aware datetimes, stored to the microsecond.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from types import MappingProxyType
from typing import Any, Literal

from tiercel.model.execution import format_instant
from tiercel.model.task import LogLevel

_LEVELS = tuple(LogLevel)


def levels_at_least(minimum: LogLevel | None) -> tuple[LogLevel, ...]:
    """The levels at or above ``minimum``, lowest first; all of them for None."""
    if minimum is None:
        return _LEVELS
    return _LEVELS[_LEVELS.index(LogLevel(minimum)) :]


def _require_aware(moment: datetime, what: str) -> None:
    if not isinstance(moment, datetime) or moment.utcoffset() is None:
        raise ValueError(f"{what} must be a datetime with a time zone, not {moment!r}")


@dataclass(frozen=True, slots=True)
class LogEntry:
    """One log line of a task run, an execution or a trigger.

    Attributes:
        namespace: The flow's namespace.
        flow_id: The flow's id.
        timestamp: When the line was logged (aware).
        level: Its level.
        message: The text.
        task_id: The task that logged it, if any.
        execution_id: The execution it belongs to, if any.
        task_run_id: The task run it belongs to, if any.
        attempt_number: The attempt of the task run, if any.
        trigger_id: The trigger that logged it, for trigger logs.
        thread: The name of the thread that logged it.
    """

    namespace: str
    flow_id: str
    timestamp: datetime
    level: LogLevel
    message: str
    task_id: str | None = None
    execution_id: str | None = None
    task_run_id: str | None = None
    attempt_number: int | None = None
    trigger_id: str | None = None
    thread: str | None = None

    def __post_init__(self) -> None:
        _require_aware(self.timestamp, "LogEntry.timestamp")
        # Accept "INFO" as well as LogLevel.INFO, and refuse "VERBOSE" here rather than in SQL.
        object.__setattr__(self, "level", LogLevel(self.level))

    def to_kestra_json(self) -> dict[str, Any]:
        """Kestra's ``LogEntry`` JSON: what the API answers and the ``logs()`` function gives."""
        return {
            "namespace": self.namespace,
            "flowId": self.flow_id,
            "taskId": self.task_id,
            "executionId": self.execution_id,
            "taskRunId": self.task_run_id,
            "attemptNumber": self.attempt_number,
            "triggerId": self.trigger_id,
            "timestamp": format_instant(self.timestamp),
            "level": self.level.value,
            "thread": self.thread,
            "message": self.message,
        }


@dataclass(frozen=True, slots=True)
class LogQuery:
    """Which log lines to read; unset fields do not filter.

    Attributes:
        execution_id: Lines of this execution.
        task_run_id: Lines of this task run.
        task_id: Lines logged by this task (usually with ``execution_id``).
        min_level: Lines at this level or above.
        namespace: Lines of flows in this namespace or in a namespace under it.
        flow_id: Lines of the flows with this id.
        trigger_id: Lines logged by this trigger.
        text: Lines where this text appears, ignoring case, in the message or in one of the
            ids (namespace, flow, task, execution, task run, trigger).
        start: Lines stamped at or after this time.
        end: Lines stamped at or before this time.
        order: ``appended``: in the order the lines were stored (an execution's lines);
            ``newest`` or ``oldest``: by timestamp, newest or oldest first (a search).
    """

    execution_id: str | None = None
    task_run_id: str | None = None
    task_id: str | None = None
    min_level: LogLevel | None = None
    namespace: str | None = None
    flow_id: str | None = None
    trigger_id: str | None = None
    text: str | None = None
    start: datetime | None = None
    end: datetime | None = None
    order: Literal["appended", "newest", "oldest"] = "appended"


class MetricType(StrEnum):
    """Kestra's two kinds of metric."""

    COUNTER = "counter"
    TIMER = "timer"


@dataclass(frozen=True, slots=True)
class MetricEntry:
    """One metric value a task run recorded.

    Attributes:
        namespace: The flow's namespace.
        flow_id: The flow's id.
        type: ``counter`` or ``timer``.
        name: The metric's name.
        value: The value; for a timer, milliseconds, as Kestra stores it.
        timestamp: When it was recorded (aware).
        task_id: The task that recorded it.
        execution_id: The execution it belongs to.
        task_run_id: The task run that recorded it.
        tags: Free-form tags.
    """

    namespace: str
    flow_id: str
    type: MetricType
    name: str
    value: float
    timestamp: datetime
    task_id: str | None = None
    execution_id: str | None = None
    task_run_id: str | None = None
    tags: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        _require_aware(self.timestamp, "MetricEntry.timestamp")
        object.__setattr__(self, "type", MetricType(self.type))
        # A read-only copy keeps the record frozen all the way down.
        object.__setattr__(self, "tags", MappingProxyType(dict(self.tags)))

    def __hash__(self) -> int:
        # The generated hash would choke on the tags mapping; hash a sorted copy instead.
        return hash(
            (
                self.namespace,
                self.flow_id,
                self.type,
                self.name,
                self.value,
                self.timestamp,
                self.task_id,
                self.execution_id,
                self.task_run_id,
                tuple(sorted(self.tags.items())),
            )
        )


@dataclass(frozen=True, slots=True)
class NamespaceFile:
    """A file in a namespace's virtual file system.

    Attributes:
        namespace: The namespace.
        path: The path relative to the namespace root, without a leading ``/``.
        uri: Its ``kestra:///<ns path>/_files/<path>`` URI.
    """

    namespace: str
    path: str
    uri: str


@dataclass(frozen=True, slots=True)
class TriggerRecord:
    """What is kept of one trigger of one flow between evaluations (Kestra's ``Trigger``).

    Attributes:
        namespace: The flow's namespace.
        flow_id: The flow's id.
        trigger_id: The trigger's id in the flow.
        updated_at: When the record last changed (aware).
        disabled: Whether it is switched off (``trigger.Toggle``, the API), whatever the
            flow says.
        date: When it was last evaluated, if ever.
        next_execution_date: When it is due next, if known.
        execution_id: The execution it started that is still running, if any.
        state: What the trigger type keeps of its own (JSON-compatible values).
    """

    namespace: str
    flow_id: str
    trigger_id: str
    updated_at: datetime
    disabled: bool = False
    date: datetime | None = None
    next_execution_date: datetime | None = None
    execution_id: str | None = None
    state: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        _require_aware(self.updated_at, "TriggerRecord.updated_at")
        for name in ("date", "next_execution_date"):
            moment = getattr(self, name)
            if moment is not None:
                _require_aware(moment, f"TriggerRecord.{name}")

    @property
    def uid(self) -> tuple[str, str, str]:
        """``(namespace, flow_id, trigger_id)``, the record's key."""
        return self.namespace, self.flow_id, self.trigger_id


@dataclass(frozen=True, slots=True)
class FlowRecord:
    """One revision of a deployed flow, as its YAML source (Kestra keeps the source too, so
    comments and formatting survive a round trip through the API).

    Attributes:
        namespace: The flow's namespace.
        flow_id: The flow's id.
        revision: 1 for the first deployment, one more for each change.
        source: The YAML text of this revision.
        updated_at: When this revision was stored (aware).
        deleted: Whether this revision records the flow's deletion.
    """

    namespace: str
    flow_id: str
    revision: int
    source: str
    updated_at: datetime
    deleted: bool = False

    def __post_init__(self) -> None:
        _require_aware(self.updated_at, "FlowRecord.updated_at")
