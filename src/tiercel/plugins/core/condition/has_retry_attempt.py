"""``io.kestra.plugin.core.condition.HasRetryAttempt``: match executions whose tasks retried."""

from pydantic import Field

from tiercel.plugins.core.condition.upstream import attempt_states
from tiercel.sdk import Condition, ConditionContext, Property, State, plugin


@plugin(
    "io.kestra.plugin.core.condition.HasRetryAttempt",
    aliases=[
        "io.kestra.core.models.conditions.types.HasRetryAttemptCondition",
        "io.kestra.plugin.core.condition.HasRetryAttemptCondition",
    ],
)
class HasRetryAttempt(Condition):
    """Pass when a retried task run has an attempt in ``in`` and not in ``notIn``."""

    in_: Property[list[State]] | None = Field(default=None, alias="in")
    not_in: Property[list[State]] | None = None

    def test(self, context: ConditionContext) -> bool:
        """Some task run was tried more than once and one of its attempts ended in a state of
        ``in`` and not of ``notIn``.

        As in Kestra, an unset or empty ``in`` matches nothing. False with no execution.
        """
        if context.state is None:
            return False
        allowed = _states(context, self.in_)
        refused = _states(context, self.not_in)
        return any(
            state in allowed and state not in refused
            for states in attempt_states(context)
            if len(states) > 1
            for state in states
        )


def _states(context: ConditionContext, value: object) -> set[str]:
    if value is None:
        return set()
    return {str(state) for state in context.render(value) or ()}
