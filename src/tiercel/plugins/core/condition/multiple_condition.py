"""``io.kestra.plugin.core.condition.MultipleCondition`` (deprecated): wait for several
conditions within a time window."""

from typing import Annotated

from pydantic import Field

from tiercel.plugins.core.condition.time_window import TimeWindow
from tiercel.sdk import AnyCondition, Condition, Duration, TaskId, plugin


@plugin(
    "io.kestra.plugin.core.condition.MultipleCondition",
    aliases=["io.kestra.core.models.conditions.types.MultipleCondition"],
    deprecated=True,
)
class MultipleCondition(Condition):
    """Pass once every named condition has passed within a time window (deprecated).

    Kestra replaced it with the Flow trigger's ``preconditions``.
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
