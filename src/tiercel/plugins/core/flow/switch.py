"""``io.kestra.plugin.core.flow.Switch``: choose a branch by value."""

from typing import Annotated, Any

from pydantic import Field

from tiercel.sdk import (
    AnyTask,
    FlowableTask,
    Plan,
    Scope,
    State,
    Text,
    Violation,
    plugin,
    run_branches,
)

NO_TASK = "No task defined, neither cases or default have any tasks"


@plugin("io.kestra.plugin.core.flow.Switch", aliases=["io.kestra.core.tasks.flows.Switch"])
class Switch(FlowableTask):
    """Run the tasks of the case whose key equals the rendered value, else the defaults."""

    value: Annotated[Text, Field(min_length=1)] = Field(
        description="Rendered, then compared with each key of ``cases``."
    )
    cases: dict[Text, list[AnyTask]] | None = Field(
        default=None, description="Tasks to run, by the value that selects them."
    )
    defaults: list[AnyTask] | None = Field(
        default=None, description="Tasks run when no case matches."
    )

    def violations(self) -> list[Violation]:
        """A switch needs at least one case or default."""
        found = super().violations()
        if not self.cases and not self.defaults:
            found.append(Violation((), NO_TASK))
        return found

    def plan(self, scope: Scope) -> Plan:
        """Render the value once and keep it, then run its case, or the defaults when none
        matches."""
        value = self._value(scope)
        tasks = (self.cases or {}).get(value)
        chosen = tasks if tasks is not None else self.defaults
        if not chosen:
            # Kestra fails a switch that has nothing to run for the value.
            return Plan([], State.FAILED).noting(scope, value=value)
        return run_branches(scope, self.branches(chosen)).noting(scope, value=value)

    def outputs(self, scope: Scope) -> dict[str, Any] | None:
        """``value``: the rendered value; ``defaults``: whether no case matched."""
        value = self._value(scope)
        return {"value": value, "defaults": value not in (self.cases or {})}

    def _value(self, scope: Scope) -> str:
        memo = scope.memo()
        if "value" in memo:
            return str(memo["value"])
        return str(scope.render(self.value))
