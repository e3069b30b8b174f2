"""``io.kestra.plugin.core.condition.ExecutionStatus``: match the upstream run's state."""

from pydantic import Field

from tiercel.sdk import Condition, ConditionContext, Property, State, plugin


@plugin(
    "io.kestra.plugin.core.condition.ExecutionStatus",
    aliases=[
        "io.kestra.core.models.conditions.types.ExecutionStatusCondition",
        "io.kestra.plugin.core.condition.ExecutionStatusCondition",
    ],
)
class ExecutionStatus(Condition):
    """Pass when the execution's current state is in ``in`` and not in ``notIn``."""

    in_: Property[list[State]] | None = Field(default=None, alias="in")
    not_in: Property[list[State]] | None = None

    def test(self, context: ConditionContext) -> bool:
        """The state is in ``in`` (when set) and not in ``notIn``."""
        allowed = context.render(self.in_) if self.in_ is not None else None
        refused = context.render(self.not_in) if self.not_in is not None else None
        if context.state is None:
            return False
        state = context.state.value
        if allowed is not None and state not in [str(s) for s in allowed]:
            return False
        return not (refused is not None and state in [str(s) for s in refused])
