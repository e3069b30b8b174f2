"""``io.kestra.plugin.core.flow.EachParallel``: the older loop, all values at once."""

from typing import Any

from pydantic import Field

from tiercel.plugins.core.flow.parallel import Parallel
from tiercel.sdk import Plan, Scope, Slots, loop_values, plugin, rendered_int, run_branches


@plugin(
    "io.kestra.plugin.core.flow.EachParallel",
    aliases=["io.kestra.core.tasks.flows.EachParallel"],
    deprecated=True,
)
class EachParallel(Parallel):
    """Run the tasks for every value side by side (deprecated: use ForEach)."""

    value: str | list[Any] = Field(description="A list, or a string rendered to a JSON array.")

    def plan(self, scope: Scope) -> Plan:
        """Every task for every value at once, at most ``concurrent`` when it is set."""
        values = loop_values(scope, self.value)
        branches = self.branches(self.tasks)
        limit = rendered_int(scope, self.concurrent)
        plan = run_branches(scope, branches, Slots(branches.tasks, values), limit=limit)
        return plan.noting(scope, values=values)
