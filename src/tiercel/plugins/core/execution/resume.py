"""``io.kestra.plugin.core.execution.Resume``: resume a paused execution."""

from collections.abc import Callable, Mapping
from typing import Any

from pydantic import Field

from tiercel.sdk import ExecutionChange, ExecutionTask, Property, Text, plugin


@plugin("io.kestra.plugin.core.execution.Resume")
class Resume(ExecutionTask):
    """Resume a paused execution, the current one unless another is named."""

    namespace: Text | None = Field(default=None, description="Namespace of the execution.")
    flow_id: Text | None = Field(default=None, description="Flow of the execution.")
    execution_id: Text | None = Field(
        default=None, description="The execution to resume; the current one when unset."
    )
    inputs: Property[dict[str, Any]] | None = Field(
        default=None, description="Values for the Pause task's ``onResume`` inputs."
    )

    def change(self, render: Callable[[Any], Any], variables: Mapping[str, Any]) -> ExecutionChange:
        """Resume the named execution, or this one."""
        target = render(self.execution_id) if self.execution_id else render("{{ execution.id }}")
        inputs = render(self.inputs) if self.inputs is not None else None
        return ExecutionChange(resume=str(target), resume_inputs=inputs)
