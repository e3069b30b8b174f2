"""``io.kestra.plugin.core.execution.UnsetVariables``: remove variables of the execution."""

from pydantic import Field

from tiercel.sdk import Property, Task, plugin


@plugin("io.kestra.plugin.core.execution.UnsetVariables")
class UnsetVariables(Task):
    """Remove keys, dotted paths allowed, from the execution's ``vars``."""

    variables: Property[list[str]] = Field(description="The keys to remove.")
    ignore_missing: Property[bool] = Field(
        default=False, description="Accept keys that do not exist instead of failing."
    )
