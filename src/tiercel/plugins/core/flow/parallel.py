"""``io.kestra.plugin.core.flow.Parallel``: run child tasks at the same time."""

from typing import Annotated

from pydantic import Field

from tiercel.sdk import (
    AnyTask,
    FlowableTask,
    Plan,
    Property,
    Scope,
    plugin,
    rendered_int,
    run_branches,
)


@plugin("io.kestra.plugin.core.flow.Parallel", aliases=["io.kestra.core.tasks.flows.Parallel"])
class Parallel(FlowableTask):
    """Start child tasks together, optionally capping how many run at once."""

    tasks: Annotated[list[AnyTask], Field(min_length=1)] = Field(
        description="The tasks to run side by side."
    )
    concurrent: Property[int] = Field(
        default=0, description="How many children may run at once; 0 means no limit."
    )
    fail_fast: Property[bool] = Field(
        default=False,
        description="Kill the still-running children as soon as one fails (Kestra 1.x).",
    )

    def plan(self, scope: Scope) -> Plan:
        """Every child at once, at most ``concurrent`` at a time when it is set."""
        return run_branches(
            scope, self.branches(self.tasks), limit=rendered_int(scope, self.concurrent)
        )
