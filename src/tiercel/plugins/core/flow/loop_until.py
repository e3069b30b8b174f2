"""``io.kestra.plugin.core.flow.LoopUntil`` (formerly ``WaitFor``): repeat tasks until true."""

from datetime import timedelta
from typing import Annotated

from pydantic import Field

from tiercel.sdk import AnyTask, FlowableTask, KestraModel, PositiveDuration, Property, Text, plugin


class CheckFrequency(KestraModel):
    """How often the loop runs and when it gives up."""

    max_iterations: Property[Annotated[int, Field(gt=0)]] | None = Field(
        default=None, description="Stop after this many iterations; unlimited when unset."
    )
    max_duration: Property[PositiveDuration] | None = Field(
        default=None, description="Stop once the loop has run this long; unlimited when unset."
    )
    interval: Property[PositiveDuration] = Field(
        default=timedelta(minutes=1), description="Wait between two iterations."
    )


@plugin("io.kestra.plugin.core.flow.LoopUntil", aliases=["io.kestra.plugin.core.flow.WaitFor"])
class LoopUntil(FlowableTask):
    """Run the tasks again and again until the condition renders truthy."""

    tasks: Annotated[list[AnyTask], Field(min_length=1)] = Field(
        description="The tasks run at each iteration."
    )
    condition: Text = Field(
        description="Checked after each iteration; the loop ends once it is truthy."
    )
    fail_on_max_reached: Property[bool] = Field(
        default=False, description="End in FAILED when a maximum of ``checkFrequency`` is hit."
    )
    check_frequency: CheckFrequency = Field(
        default_factory=CheckFrequency, description="Interval and limits of the loop."
    )
