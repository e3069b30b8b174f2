"""``io.kestra.plugin.core.execution.Kill``: kill the current execution."""

from pydantic import Field

from tiercel.sdk import Property, Task, plugin


@plugin("io.kestra.plugin.core.execution.Kill")
class Kill(Task):
    """Kill the current execution, and optionally the subflow executions it started."""

    propagate_kill: Property[bool] = Field(
        default=False, description="Also kill the child (subflow) executions."
    )
