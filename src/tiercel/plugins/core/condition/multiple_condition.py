"""``io.kestra.plugin.core.condition.MultipleCondition`` (deprecated): wait for several
conditions within a time window."""

from typing import Annotated, Any

from pydantic import Field, model_validator

from tiercel.plugins.core.condition.time_window import TimeWindow
from tiercel.sdk import AnyCondition, Condition, ConditionContext, Duration, TaskId, plugin


@plugin(
    "io.kestra.plugin.core.condition.MultipleCondition",
    aliases=["io.kestra.core.models.conditions.types.MultipleCondition"],
    deprecated=True,
)
class MultipleCondition(Condition):
    """Pass once every named condition has passed within a time window (deprecated).

    Kestra replaced it with the Flow trigger's ``preconditions``. It keeps state from one
    execution to the next, so only a Flow trigger evaluates it, through
    ``tiercel.engine.preconditions``; ``test`` alone cannot.
    """

    id: TaskId = Field(description="Unique in the trigger: names the stored evaluation results.")
    time_window: TimeWindow = Field(default_factory=TimeWindow)
    reset_on_success: bool = True
    window: Duration | None = Field(
        default=None, description="Deprecated: use `timeWindow.window`."
    )
    window_advance: Duration | None = Field(
        default=None, description="Deprecated: use `timeWindow.windowAdvance`."
    )
    conditions: Annotated[dict[str, AnyCondition], Field(min_length=1)]

    @model_validator(mode="before")
    @classmethod
    def _legacy_window(cls, data: Any) -> Any:
        # A flow written before `timeWindow` existed gives `window` and `windowAdvance`; they
        # become its `timeWindow`, so that `timeWindow` alone says what the window is. When
        # both are given, `timeWindow` is checked and used as written.
        if not isinstance(data, dict) or data.get("timeWindow") is not None:
            return data
        legacy = {k: data[k] for k in ("window", "windowAdvance") if data.get(k) is not None}
        return {**data, "timeWindow": legacy} if legacy else data

    def test(self, context: ConditionContext) -> bool:
        """Refuse: the outcome depends on earlier executions, which a lone test cannot see."""
        raise NotImplementedError(
            f"MultipleCondition '{self.id}' keeps state across executions: only a Flow trigger"
            " can evaluate it"
        )
