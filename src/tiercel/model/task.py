"""The properties every task, trigger, condition and task runner has, and retry policies."""

from collections.abc import Iterator, Mapping
from enum import StrEnum
from typing import Annotated, Any, ClassVar, Literal, Protocol

from pydantic import Field

from tiercel.model.base import KestraModel, PluginField, PluginObject
from tiercel.model.catalog import PluginKind
from tiercel.model.errors import Path, Violation
from tiercel.model.labels import UserLabels
from tiercel.model.property import Duration, Property, Text
from tiercel.model.state import State

TASK_ID_PATTERN = r"^[a-zA-Z0-9][a-zA-Z0-9_-]*$"

TaskId = Annotated[str, Field(min_length=1, pattern=TASK_ID_PATTERN)]
"""A task or trigger id as Kestra allows it."""


class LogLevel(StrEnum):
    """Log levels, lowest first."""

    TRACE = "TRACE"
    DEBUG = "DEBUG"
    INFO = "INFO"
    WARN = "WARN"
    ERROR = "ERROR"


class RetryBehavior(StrEnum):
    """What a flow-level retry does with the failed execution."""

    RETRY_FAILED_TASK = "RETRY_FAILED_TASK"
    CREATE_NEW_EXECUTION = "CREATE_NEW_EXECUTION"


class _RetryBase(KestraModel):
    max_attempt: Annotated[int, Field(ge=1)] | None = None
    max_duration: Duration | None = None
    warning_on_retry: bool = False
    behavior: RetryBehavior = RetryBehavior.RETRY_FAILED_TASK


class ConstantRetry(_RetryBase):
    """Retry after the same ``interval`` each time."""

    type: Literal["constant"]
    interval: Duration


class ExponentialRetry(_RetryBase):
    """Retry after ``interval`` growing by ``delayFactor``, at most ``maxInterval``."""

    type: Literal["exponential"]
    interval: Duration
    max_interval: Duration
    delay_factor: float | None = None


class RandomRetry(_RetryBase):
    """Retry after a random delay between ``minInterval`` and ``maxInterval``."""

    type: Literal["random"]
    min_interval: Duration
    max_interval: Duration


Retry = Annotated[ConstantRetry | ExponentialRetry | RandomRetry, Field(discriminator="type")]


class WorkerGroupFallback(StrEnum):
    """What happens when no worker of the group is up."""

    FAIL = "FAIL"
    WAIT = "WAIT"
    CANCEL = "CANCEL"


class WorkerGroup(KestraModel):
    """Routes a task to a group of workers (Kestra Enterprise)."""

    key: Annotated[str, Field(pattern=TASK_ID_PATTERN)] | None = None
    fallback: WorkerGroupFallback | None = None


class TaskCache(KestraModel):
    """Reuse a runnable task's outputs for ``ttl``."""

    enabled: bool = False
    ttl: Duration | None = None


class Task(PluginObject):
    """The properties every task has."""

    plugin_kind: ClassVar[PluginKind] = PluginKind.TASK

    id: TaskId
    version: str | None = None
    description: str | None = None
    retry: Retry | None = None
    timeout: Property[Duration] | None = None
    disabled: bool = False
    run_if: Text = "true"
    allow_failure: bool = False
    allow_warning: bool = False
    log_level: LogLevel | None = None
    log_to_file: bool = False
    worker_group: WorkerGroup | None = None
    task_cache: TaskCache | None = None

    def violations(self) -> list[Violation]:
        """Return the rules this task breaks that its field types cannot express.

        Paths are relative to the task. Subclasses extend this (a Dag checks its graph, a
        Switch that it has tasks); nested tasks are checked on their own.
        """
        return []

    def called_flow(self) -> tuple[str, str] | None:
        """Return ``(namespace, flowId)`` of the flow this task starts, for tasks that start one.

        Subflow-like tasks override it; flow checks use it to refuse a flow calling itself.
        """
        return None

    def child_tasks(self) -> Iterator[tuple[Path, "Task"]]:
        """Yield every task held directly by this one, with its path relative to this task."""
        for name, field in type(self).model_fields.items():
            value = getattr(self, name)
            if value is not None and not isinstance(value, _LEAVES):
                yield from _tasks_in(value, (field.alias or name,))


_LEAVES = (str, int, float, bytes)
"""Values that hold nothing: skipped without a generator each, as the editor's validation of a
flow of a thousand tasks walks every field of every task twice."""


def _tasks_in(value: Any, path: Path) -> Iterator[tuple[Path, Task]]:
    if isinstance(value, Task):
        yield path, value
    elif isinstance(value, PluginObject):
        return
    elif isinstance(value, KestraModel):
        for name, field in type(value).model_fields.items():
            inner = getattr(value, name)
            if inner is not None and not isinstance(inner, _LEAVES):
                yield from _tasks_in(inner, (*path, field.alias or name))
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            yield from _tasks_in(item, (*path, index))
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _tasks_in(item, (*path, str(key)))


def walk_plugin_objects(value: Any, path: Path) -> Iterator[tuple[Path, PluginObject]]:
    """Yield every task, trigger, condition and task runner in ``value``, at any depth."""
    if isinstance(value, PluginObject):
        yield path, value
    if isinstance(value, KestraModel):
        for name, field in type(value).model_fields.items():
            inner = getattr(value, name)
            if inner is not None and not isinstance(inner, _LEAVES):
                yield from walk_plugin_objects(inner, (*path, field.alias or name))
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            yield from walk_plugin_objects(item, (*path, index))
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from walk_plugin_objects(item, (*path, str(key)))


def walk_tasks(tasks: Any, path: Path) -> Iterator[tuple[Path, Task]]:
    """Yield every task in ``tasks`` and below, depth first, each with its full path."""
    for task_path, task in _tasks_in(tasks, path):
        yield task_path, task
        for child_path, child in task.child_tasks():
            yield from walk_tasks(child, task_path + child_path)


AnyTask = Annotated[Task, PluginField(PluginKind.TASK)]
"""A field holding any installed task type, chosen by its ``type``."""


class ConditionContext(Protocol):
    """What a condition is tested against: the execution that ended (for flow triggers and
    listeners) or none (for schedules), and the variables expressions see."""

    @property
    def state(self) -> State | None:
        """The execution's current state; None when no execution is concerned."""
        ...

    @property
    def namespace(self) -> str:
        """The namespace of the execution, or of the trigger's flow when there is none."""
        ...

    @property
    def flow_id(self) -> str:
        """The flow of the execution, or the trigger's flow when there is none."""
        ...

    @property
    def variables(self) -> Mapping[str, Any]:
        """What expressions see: ``flow``, ``execution`` (with ``outputs`` and ``labels``)
        when there is one, ``trigger`` (``date``, ``next``, ``previous`` for schedules)."""
        ...

    def render(self, value: Any) -> Any:
        """Render a property with ``variables``."""
        ...


class Condition(PluginObject):
    """The properties every trigger condition has."""

    plugin_kind: ClassVar[PluginKind] = PluginKind.CONDITION

    def test(self, context: ConditionContext) -> bool:
        """Whether the condition holds for an execution."""
        raise NotImplementedError(f"{self.type} cannot be tested in this version of Tiercel")


AnyCondition = Annotated[Condition, PluginField(PluginKind.CONDITION)]
"""A field holding any installed condition type."""


class TaskRunner(PluginObject):
    """The properties every task runner has."""

    plugin_kind: ClassVar[PluginKind] = PluginKind.TASK_RUNNER


AnyTaskRunner = Annotated[TaskRunner, PluginField(PluginKind.TASK_RUNNER)]
"""A field holding any installed task runner type."""


class Trigger(PluginObject):
    """The properties every trigger has."""

    plugin_kind: ClassVar[PluginKind] = PluginKind.TRIGGER

    id: TaskId
    version: str | None = None
    description: str | None = None
    conditions: list[AnyCondition] | None = None
    disabled: bool = False
    worker_group: WorkerGroup | None = None
    log_level: LogLevel | None = None
    min_log_level: LogLevel | None = None
    log_to_file: bool = False
    labels: UserLabels | None = None
    stop_after: list[State] | None = None

    def violations(self) -> list[Violation]:
        """Return the rules this trigger breaks that its field types cannot express."""
        return []


AnyTrigger = Annotated[Trigger, PluginField(PluginKind.TRIGGER)]
"""A field holding any installed trigger type."""
