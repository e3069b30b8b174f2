"""``io.kestra.plugin.core.execution.Exit``: end the execution in a chosen state."""

from collections.abc import Callable, Mapping
from enum import StrEnum
from typing import Any

from pydantic import Field

from tiercel.sdk import ExecutionChange, ExecutionTask, Property, State, plugin


class ExitState(StrEnum):
    """The states an execution can be ended in (note Kestra's spelling ``CANCELED``)."""

    SUCCESS = "SUCCESS"
    WARNING = "WARNING"
    KILLED = "KILLED"
    FAILED = "FAILED"
    CANCELED = "CANCELED"


@plugin("io.kestra.plugin.core.execution.Exit")
class Exit(ExecutionTask):
    """End the execution in the given state; only KILLED also stops running tasks."""

    state: Property[ExitState] = Field(
        default=ExitState.SUCCESS, description="The state the execution ends in."
    )

    def change(self, render: Callable[[Any], Any], variables: Mapping[str, Any]) -> ExecutionChange:
        """End the execution in the rendered state."""
        state = ExitState(render(self.state))
        return ExecutionChange(end=State.CANCELLED if state is ExitState.CANCELED else State(state))
