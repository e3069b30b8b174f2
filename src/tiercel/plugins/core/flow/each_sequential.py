"""``io.kestra.plugin.core.flow.EachSequential``: the older loop, one value after the other."""

from typing import Any

from pydantic import Field

from tiercel.plugins.core.flow.sequential import Sequential
from tiercel.sdk import Plan, Scope, Slots, loop_values, plugin, run_branches


@plugin(
    "io.kestra.plugin.core.flow.EachSequential",
    aliases=["io.kestra.core.tasks.flows.EachSequential"],
    deprecated=True,
)
class EachSequential(Sequential):
    """Run the tasks for each value in turn (deprecated: use ForEach)."""

    value: str | list[Any] = Field(description="A list, or a string rendered to a JSON array.")

    def plan(self, scope: Scope) -> Plan:
        """For each value in turn, each task in turn."""
        values = loop_values(scope, self.value)
        branches = self.branches(self.tasks)
        plan = run_branches(scope, branches, Slots(branches.tasks, values), limit=1)
        return plan.noting(scope, values=values)
