"""``io.kestra.plugin.core.execution.SetVariables``: add variables to the running execution."""

from typing import Any

from pydantic import Field

from tiercel.sdk import Property, Task, plugin


@plugin("io.kestra.plugin.core.execution.SetVariables")
class SetVariables(Task):
    """Merge rendered values into the execution's ``vars``."""

    variables: Property[dict[str, Any]] = Field(description="The values to merge, deeply.")
    overwrite: Property[bool] = Field(
        default=True, description="Replace existing keys; when false an existing key fails."
    )
