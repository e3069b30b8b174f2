"""``io.kestra.plugin.core.condition.ExecutionStatus``: match the upstream run's state."""

from pydantic import Field

from tiercel.sdk import Condition, Property, State, plugin


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
