"""The flow: Kestra's top-level document, with every property it has."""

from collections.abc import Iterator
from enum import StrEnum
from typing import Annotated, Any

from pydantic import Field

from tiercel.model.base import KestraModel
from tiercel.model.errors import Path
from tiercel.model.input import INPUT_ID_PATTERN, AnyInput, InputType
from tiercel.model.labels import UserLabels
from tiercel.model.property import Duration, Text
from tiercel.model.task import AnyCondition, AnyTask, AnyTrigger, Retry, Task, walk_tasks

FLOW_ID_PATTERN = r"^[a-zA-Z0-9][a-zA-Z0-9._-]*$"
NAMESPACE_PATTERN = r"^[a-z0-9][a-z0-9._-]*$"

FlowId = Annotated[str, Field(min_length=1, max_length=100, pattern=FLOW_ID_PATTERN)]
Namespace = Annotated[str, Field(min_length=1, max_length=150, pattern=NAMESPACE_PATTERN)]


class ConcurrencyBehavior(StrEnum):
    """What happens to an execution over the flow's concurrency limit."""

    QUEUE = "QUEUE"
    CANCEL = "CANCEL"
    FAIL = "FAIL"


class Concurrency(KestraModel):
    """How many executions of the flow may run at once."""

    limit: Annotated[int, Field(gt=0)]
    behavior: ConcurrencyBehavior = ConcurrencyBehavior.QUEUE


class FlowOutput(KestraModel):
    """A value the flow exposes to its callers once it ends."""

    id: Annotated[str, Field(pattern=INPUT_ID_PATTERN)]
    type: InputType = InputType.STRING
    value: Any
    description: str | None = None
    display_name: str | None = None
    required: bool | None = None


class PluginDefault(KestraModel):
    """Property values given to every task or trigger whose type matches ``type``."""

    type: Annotated[str, Field(min_length=1)]
    forced: bool = False
    values: dict[str, Any]


class SlaType(StrEnum):
    """What an SLA watches."""

    MAX_DURATION = "MAX_DURATION"
    EXECUTION_ASSERTION = "EXECUTION_ASSERTION"


class SlaBehavior(StrEnum):
    """What an SLA breach does to the execution."""

    FAIL = "FAIL"
    CANCEL = "CANCEL"
    NONE = "NONE"


class Sla(KestraModel):
    """A service-level agreement on the flow's executions."""

    id: Annotated[str, Field(min_length=1)]
    type: SlaType
    behavior: SlaBehavior = SlaBehavior.FAIL
    labels: UserLabels | None = None
    duration: Duration | None = None
    assert_: Text | None = Field(default=None, alias="assert")


class CheckStyle(StrEnum):
    """How a check's message is shown."""

    ERROR = "ERROR"
    SUCCESS = "SUCCESS"
    WARNING = "WARNING"
    INFO = "INFO"


class CheckBehavior(StrEnum):
    """What a failed check does."""

    BLOCK_EXECUTION = "BLOCK_EXECUTION"
    FAIL_EXECUTION = "FAIL_EXECUTION"
    CREATE_EXECUTION = "CREATE_EXECUTION"


class Check(KestraModel):
    """A condition evaluated before an execution is created."""

    condition: Text
    message: Text
    style: CheckStyle = CheckStyle.INFO
    behavior: CheckBehavior = CheckBehavior.BLOCK_EXECUTION


class Listener(KestraModel):
    """Deprecated: tasks run after the execution ends, when the conditions hold."""

    description: str | None = None
    conditions: list[AnyCondition] | None = None
    tasks: Annotated[list[AnyTask], Field(min_length=1)]


class Flow(KestraModel):
    """A Kestra flow."""

    id: FlowId
    namespace: Namespace
    revision: Annotated[int, Field(ge=1)] | None = None
    description: str | None = None
    labels: UserLabels | None = None
    inputs: list[AnyInput] | None = None
    variables: dict[str, Any] | None = None
    tasks: Annotated[list[AnyTask], Field(min_length=1)]
    errors: list[AnyTask] | None = None
    finally_: list[AnyTask] | None = Field(default=None, alias="finally")
    after_execution: list[AnyTask] | None = None
    outputs: list[FlowOutput] | None = None
    triggers: list[AnyTrigger] | None = None
    concurrency: Concurrency | None = None
    retry: Retry | None = None
    sla: list[Sla] | None = None
    checks: list[Check] | None = None
    disabled: bool = False
    deleted: bool = False
    plugin_defaults: list[PluginDefault] | None = None
    task_defaults: list[PluginDefault] | None = Field(
        default=None, description="Deprecated alias of pluginDefaults."
    )
    listeners: list[Listener] | None = Field(default=None, description="Deprecated.")
    tenant_id: str | None = None

    @property
    def uid(self) -> str:
        """``namespace.id``, the flow's identity."""
        return f"{self.namespace}.{self.id}"

    def all_tasks(self) -> Iterator[tuple[Path, Task]]:
        """Yield every task of the flow, nested ones included, with its path."""
        yield from walk_tasks(self.tasks, ("tasks",))
        yield from walk_tasks(self.errors or [], ("errors",))
        yield from walk_tasks(self.finally_ or [], ("finally",))
        yield from walk_tasks(self.after_execution or [], ("afterExecution",))
        for index, listener in enumerate(self.listeners or []):
            yield from walk_tasks(listener.tasks, ("listeners", index, "tasks"))
