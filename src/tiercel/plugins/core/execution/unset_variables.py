"""``io.kestra.plugin.core.execution.UnsetVariables``: remove variables of the execution."""

from collections.abc import Callable, Mapping
from typing import Any

from pydantic import Field

from tiercel.sdk import ExecutionChange, ExecutionTask, Property, TaskFailure, is_truthy, plugin


@plugin("io.kestra.plugin.core.execution.UnsetVariables")
class UnsetVariables(ExecutionTask):
    """Remove keys, dotted paths allowed, from the execution's ``vars``."""

    variables: Property[list[str]] = Field(description="The keys to remove.")
    ignore_missing: Property[bool] = Field(
        default=False, description="Accept keys that do not exist instead of failing."
    )

    def change(self, render: Callable[[Any], Any], variables: Mapping[str, Any]) -> ExecutionChange:
        """The execution's variables without the given keys (dotted paths reach inside)."""
        keys = render(self.variables)
        ignore = is_truthy(render(self.ignore_missing))
        remaining = _copy(variables)
        for key in keys if isinstance(keys, list) else [keys]:
            *parents, last = str(key).split(".")
            node: Any = remaining
            for part in parents:
                node = node.get(part) if isinstance(node, dict) else None
            if isinstance(node, dict) and last in node:
                del node[last]
            elif not ignore:
                raise TaskFailure(f"Unable to unset variable '{key}': it does not exist")
        return ExecutionChange(variables=remaining)


def _copy(value: Any) -> Any:
    return {k: _copy(v) for k, v in value.items()} if isinstance(value, Mapping) else value
