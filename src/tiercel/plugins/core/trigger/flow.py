"""``io.kestra.plugin.core.trigger.Flow``: start an execution when other flows' executions
change state."""

from enum import StrEnum
from typing import Annotated, Any, Self

from pydantic import Field, model_validator

from tiercel.plugins.core.condition.time_window import TimeWindow
from tiercel.sdk import KestraModel, State, TaskId, Text, Trigger, Violation, plugin

DEFAULT_STATES: tuple[State, ...] = (
    *(state for state in State if state.is_terminated),
    State.PAUSED,
)
"""The states a Flow trigger reacts to when ``states`` is not given."""


class UpstreamFlow(KestraModel):
    """A precondition met by an execution of one flow (or of any flow of a namespace)."""

    namespace: Text
    flow_id: Text | None = None
    states: list[State] | None = None
    labels: dict[str, Any] | None = None


class Operand(StrEnum):
    """How the filters of one precondition combine."""

    AND = "AND"
    OR = "OR"


class PreconditionFilterField(StrEnum):
    """What a filter looks at."""

    FLOW_ID = "FLOW_ID"
    NAMESPACE = "NAMESPACE"
    STATE = "STATE"
    EXPRESSION = "EXPRESSION"


class PreconditionFilterType(StrEnum):
    """How a filter compares."""

    EQUAL_TO = "EQUAL_TO"
    NOT_EQUAL_TO = "NOT_EQUAL_TO"
    IN = "IN"
    NOT_IN = "NOT_IN"
    IS_TRUE = "IS_TRUE"
    IS_FALSE = "IS_FALSE"
    IS_NULL = "IS_NULL"
    IS_NOT_NULL = "IS_NOT_NULL"
    STARTS_WITH = "STARTS_WITH"
    ENDS_WITH = "ENDS_WITH"
    REGEX = "REGEX"
    CONTAINS = "CONTAINS"


_LIST_TYPES = frozenset({PreconditionFilterType.IN, PreconditionFilterType.NOT_IN})


class PreconditionFilter(KestraModel):
    """One test on the upstream execution: ``IN``/``NOT_IN`` take ``values``, the rest
    ``value``."""

    field: PreconditionFilterField
    type: PreconditionFilterType
    value: Text | None = None
    values: list[Text] | None = None

    @model_validator(mode="after")
    def _value_or_values(self) -> Self:
        takes_list = self.type in _LIST_TYPES
        if not takes_list and self.value is None:
            raise ValueError(f"`value` cannot be null for type {self.type}")
        if takes_list and self.value is not None:
            raise ValueError(f"`value` must be null for type {self.type}")
        if takes_list and self.values is None:
            raise ValueError(f"`values` cannot be null for type {self.type}")
        if not takes_list and self.values is not None:
            raise ValueError(f"`values` must be null for type {self.type}")
        return self


class ExecutionFilter(KestraModel):
    """A precondition met by an execution that passes its filters."""

    id: Annotated[str, Field(min_length=1)]
    operand: Operand = Operand.AND
    filters: Annotated[list[PreconditionFilter], Field(min_length=1)]


class Preconditions(KestraModel):
    """Upstream executions that must all happen within a time window."""

    id: TaskId
    time_window: TimeWindow = Field(default_factory=TimeWindow)
    reset_on_success: bool = Field(
        default=True, description="Start over once the preconditions have fired the trigger."
    )
    flows: list[UpstreamFlow] | None = None
    where: list[ExecutionFilter] | None = None


@plugin(
    "io.kestra.plugin.core.trigger.Flow",
    aliases=["io.kestra.core.models.triggers.types.Flow"],
)
class FlowTrigger(Trigger):
    """Start an execution when executions of other flows reach given states."""

    inputs: dict[str, Any] | None = Field(
        default=None, description="Rendered with `trigger.outputs` of the upstream executions."
    )
    states: list[State] = Field(
        default_factory=lambda: list(DEFAULT_STATES),
        description="Terminal states and PAUSED when unset.",
    )
    preconditions: Preconditions | None = None

    def violations(self) -> list[Violation]:
        """Refuse a Flow trigger with neither ``conditions`` nor ``preconditions``: it would
        fire for every execution of every flow."""
        found = super().violations()
        if self.conditions is None and self.preconditions is None:
            found.append(Violation((), "one condition must be set"))
        return found
