"""``io.kestra.plugin.core.flow.Pause``: hold the execution until it is resumed or time is up."""

from enum import StrEnum
from typing import Any

from pydantic import Field

from tiercel.sdk import AnyTask, Duration, FlowableTask, Property, plugin


class PauseBehavior(StrEnum):
    """What happens when ``pauseDuration`` elapses without a resume."""

    RESUME = "RESUME"
    WARN = "WARN"
    CANCEL = "CANCEL"
    FAIL = "FAIL"


@plugin("io.kestra.plugin.core.flow.Pause", aliases=["io.kestra.core.tasks.flows.Pause"])
class Pause(FlowableTask):
    """Pause the execution until someone resumes it, or for a fixed duration."""

    delay: Property[Duration] | None = Field(
        default=None, description="Deprecated spelling of ``pauseDuration``."
    )
    pause_duration: Property[Duration] | None = Field(
        default=None, description="Resume by itself after this long; wait forever when unset."
    )
    behavior: Property[PauseBehavior] = Field(
        default=PauseBehavior.RESUME,
        description="What the end of ``pauseDuration`` does: resume, warn, cancel or fail.",
    )
    on_resume: list[dict[str, Any]] | None = Field(
        default=None, description="Inputs asked for when the execution is resumed."
    )
    tasks: list[AnyTask] | None = Field(
        default=None, description="Deprecated: tasks run once the pause ends."
    )
