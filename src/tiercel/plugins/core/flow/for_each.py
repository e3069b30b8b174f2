"""``io.kestra.plugin.core.flow.ForEach``: run a group of tasks for each value of a list."""

from typing import Any

from pydantic import Field

from tiercel.plugins.core.flow.sequential import Sequential
from tiercel.sdk import Plan, Scope, loop_values, plugin, run_groups


@plugin("io.kestra.plugin.core.flow.ForEach")
class ForEach(Sequential):
    """Run the tasks once per value, a limited number of values at a time."""

    values: str | list[Any] = Field(
        description="A list, or a string rendered to a JSON array; duplicates run once."
    )
    concurrency_limit: int = Field(
        default=1, description="How many value groups may run at once; 0 means no limit."
    )

    def plan(self, scope: Scope) -> Plan:
        """The tasks in turn for each value, ``concurrencyLimit`` values at a time."""
        values = loop_values(scope, self.values)
        plan = run_groups(scope, self.branches(self.tasks), values, self.concurrency_limit)
        return plan.noting(scope, values=values)
