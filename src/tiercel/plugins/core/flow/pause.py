"""``io.kestra.plugin.core.flow.Pause``: hold the execution until it is resumed or time is up."""

from enum import StrEnum
from typing import Any

from pydantic import Field

from tiercel.sdk import (
    AnyTask,
    Duration,
    FlowableTask,
    Plan,
    Property,
    Scope,
    State,
    plugin,
    rendered_duration,
    run_branches,
)


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

    def plan(self, scope: Scope) -> Plan:
        """Pause; once resumed, run the deprecated ``tasks`` if any and end."""
        resumed = scope.memo().get("resumed")
        if resumed is None:
            wait = self.pause_duration if self.pause_duration is not None else self.delay
            after = None if wait is None else rendered_duration(scope, wait)
            return Plan([], pause=True, resume_after=after)
        ended = State.SUCCESS
        if self.tasks:
            plan = run_branches(scope, self.branches(self.tasks))
            if plan.state is None:
                return plan
            ended = plan.state  # as Kestra: a failed child fails the Pause, and the execution
        if resumed == "timer":
            behavior = PauseBehavior(scope.render(self.behavior))
            if behavior is PauseBehavior.RESUME:
                return Plan([], ended)
            if behavior is PauseBehavior.WARN:
                return Plan([], State.WARNING if ended is State.SUCCESS else ended)
            return Plan([], _TIMER_ENDS[behavior])
        return Plan([], ended)

    def outputs(self, scope: Scope) -> dict[str, Any] | None:
        """``onResume``: the inputs given when the execution was resumed."""
        given = scope.memo().get("onResume")
        return {"onResume": given} if given is not None else None


_TIMER_ENDS = {
    PauseBehavior.CANCEL: State.CANCELLED,
    PauseBehavior.FAIL: State.FAILED,
}
