"""``io.kestra.plugin.core.flow.Sequential``: run child tasks one after the other."""

from typing import Annotated

from pydantic import Field

from tiercel.sdk import AnyTask, FlowableTask, Plan, Scope, plugin, run_branches


@plugin("io.kestra.plugin.core.flow.Sequential", aliases=["io.kestra.core.tasks.flows.Sequential"])
class Sequential(FlowableTask):
    """Run a group of tasks in order, each starting when the previous one ends."""

    tasks: Annotated[list[AnyTask], Field(min_length=1)] = Field(
        description="The tasks to run, in order."
    )

    def plan(self, scope: Scope) -> Plan:
        """One child after the other; a failure stops the rest."""
        return run_branches(scope, self.branches(self.tasks))
