"""``io.kestra.plugin.core.execution.Resume``: resume a paused execution."""

from typing import Any

from pydantic import Field

from tiercel.sdk import Property, Task, Text, plugin


@plugin("io.kestra.plugin.core.execution.Resume")
class Resume(Task):
    """Resume a paused execution, the current one unless another is named."""

    namespace: Text | None = Field(default=None, description="Namespace of the execution.")
    flow_id: Text | None = Field(default=None, description="Flow of the execution.")
    execution_id: Text | None = Field(
        default=None, description="The execution to resume; the current one when unset."
    )
    inputs: Property[dict[str, Any]] | None = Field(
        default=None, description="Values for the Pause task's ``onResume`` inputs."
    )
