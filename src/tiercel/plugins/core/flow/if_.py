"""``io.kestra.plugin.core.flow.If``: choose a branch from a condition."""

from typing import Annotated, Any

from pydantic import Field

from tiercel.sdk import AnyTask, FlowableTask, Plan, Scope, Text, is_truthy, plugin, run_branches


@plugin("io.kestra.plugin.core.flow.If", aliases=["io.kestra.core.tasks.flows.If"])
class If(FlowableTask):
    """Run the then branch when the condition renders truthy, otherwise the else branch."""

    condition: Text = Field(
        description="An expression; '', '0', '-0', 'false' and null count as false."
    )
    then: Annotated[list[AnyTask], Field(min_length=1)] = Field(
        description="Tasks run when the condition is true."
    )
    else_: list[AnyTask] | None = Field(
        default=None, alias="else", description="Tasks run when the condition is false."
    )

    def plan(self, scope: Scope) -> Plan:
        """Evaluate the condition once, keep the result, then run the chosen branch."""
        result = self._result(scope)
        branch = self.then if result else self.else_ or []
        return run_branches(scope, self.branches(branch)).noting(scope, result=result)

    def outputs(self, scope: Scope) -> dict[str, Any] | None:
        """``evaluationResult``: what the condition evaluated to."""
        return {"evaluationResult": self._result(scope)}

    def _result(self, scope: Scope) -> bool:
        memo = scope.memo()
        if "result" in memo:
            return bool(memo["result"])
        return is_truthy(scope.render(self.condition))
