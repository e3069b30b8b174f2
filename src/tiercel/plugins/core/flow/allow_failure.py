"""``io.kestra.plugin.core.flow.AllowFailure``: a sequence whose failure does not fail the flow."""

from dataclasses import replace

from tiercel.plugins.core.flow.sequential import Sequential
from tiercel.sdk import Plan, Scope, State, plugin


@plugin(
    "io.kestra.plugin.core.flow.AllowFailure", aliases=["io.kestra.core.tasks.flows.AllowFailure"]
)
class AllowFailure(Sequential):
    """Run tasks in order; if one fails, stop the block and end it in WARNING."""

    def plan(self, scope: Scope) -> Plan:
        """As a Sequential, but a failure ends the block in WARNING."""
        plan = super().plan(scope)
        if plan.state is State.FAILED:
            return replace(plan, state=State.WARNING)
        return plan
