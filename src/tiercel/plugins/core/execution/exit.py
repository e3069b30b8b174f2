"""``io.kestra.plugin.core.execution.Exit``: end the execution in a chosen state."""

from enum import StrEnum

from pydantic import Field

from tiercel.sdk import Property, Task, plugin


class ExitState(StrEnum):
    """The states an execution can be ended in (note Kestra's spelling ``CANCELED``)."""

    SUCCESS = "SUCCESS"
    WARNING = "WARNING"
    KILLED = "KILLED"
    FAILED = "FAILED"
    CANCELED = "CANCELED"


@plugin("io.kestra.plugin.core.execution.Exit")
class Exit(Task):
    """End the execution in the given state; only KILLED also stops running tasks."""

    state: Property[ExitState] = Field(
        default=ExitState.SUCCESS, description="The state the execution ends in."
    )
