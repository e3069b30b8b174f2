"""The two families of tasks: runnable (a worker runs them) and flowable (the executor
resolves them)."""

from pydantic import Field

from tiercel.model.task import AnyTask, Task


class RunnableTask(Task):
    """A task whose work is done by a worker, away from the executor."""


class FlowableTask(Task):
    """A task that holds other tasks and decides which run; it has its own error branches."""

    errors: list[AnyTask] | None = None
    finally_: list[AnyTask] | None = Field(default=None, alias="finally")
