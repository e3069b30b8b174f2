"""``io.kestra.plugin.core.execution.SetVariables``: add variables to the running execution."""

from collections.abc import Callable, Mapping
from typing import Any

from pydantic import Field

from tiercel.sdk import ExecutionChange, ExecutionTask, Property, TaskFailure, is_truthy, plugin


@plugin("io.kestra.plugin.core.execution.SetVariables")
class SetVariables(ExecutionTask):
    """Merge rendered values into the execution's ``vars``."""

    variables: Property[dict[str, Any]] = Field(description="The values to merge, deeply.")
    overwrite: Property[bool] = Field(
        default=True, description="Replace existing keys; when false an existing key fails."
    )

    def change(self, render: Callable[[Any], Any], variables: Mapping[str, Any]) -> ExecutionChange:
        """The execution's variables with the rendered ones merged in, deeply."""
        given = render(self.variables)
        if not isinstance(given, dict):
            raise TaskFailure("variables must render to a map")
        overwrite = is_truthy(render(self.overwrite))
        return ExecutionChange(variables=_merge(dict(variables), given, overwrite, ""))


def _merge(base: dict[str, Any], extra: dict[str, Any], overwrite: bool, at: str) -> dict[str, Any]:
    for key, value in extra.items():
        current = base.get(key)
        if isinstance(current, dict) and isinstance(value, dict):
            base[key] = _merge(dict(current), value, overwrite, f"{at}{key}.")
        elif key in base and not overwrite:
            raise TaskFailure(f"`{at}{key}` already exists and overwrite is false")
        else:
            base[key] = value
    return base
