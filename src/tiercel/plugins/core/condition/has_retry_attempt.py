"""``io.kestra.plugin.core.condition.HasRetryAttempt``: match executions whose tasks retried."""

from pydantic import Field

from tiercel.sdk import Condition, Property, State, plugin


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
