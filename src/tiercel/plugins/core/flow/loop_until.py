"""``io.kestra.plugin.core.flow.LoopUntil`` (formerly ``WaitFor``): repeat tasks until true."""

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Annotated, Any

from pydantic import Field

from tiercel.sdk import (
    AnyTask,
    FlowableTask,
    KestraModel,
    NextRun,
    Plan,
    PositiveDuration,
    Property,
    Scope,
    State,
    Text,
    is_truthy,
    plugin,
    rendered_duration,
    rendered_int,
)


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

    def plan(self, scope: Scope) -> Plan:
        """Run the tasks, one after the other, as one iteration; after it, stop if the
        condition holds or a limit is reached, else wait ``interval`` and go again."""
        memo = scope.memo()
        iteration = int(memo.get("iteration", 0))
        if iteration == 0 or memo.get("waiting", False):
            iteration += 1
            notes = {key: value for key, value in memo.items() if key != "waiting"}
            notes["iteration"] = iteration
            notes.setdefault("since", scope.now.isoformat())
            first = NextRun(self.tasks[0], iteration=iteration)
            return Plan([first], outputs=_count(iteration), memo=notes)
        states: set[State] = set()
        for task in self.tasks:
            run = scope.child(task.id, iteration=iteration)
            if run is None:
                return Plan([NextRun(task, iteration=iteration)], outputs=_count(iteration))
            if not run.state.current.is_terminated:
                return Plan([], outputs=_count(iteration))
            states.add(run.state.current)
            if run.state.current in (State.FAILED, State.KILLED) and not task.allow_failure:
                return Plan([], run.state.current, outputs=_count(iteration))
        ended = State.WARNING if State.WARNING in states else State.SUCCESS
        if is_truthy(scope.render(self.condition)):
            return Plan([], ended, outputs=_count(iteration))
        if self._limit_reached(scope, iteration, memo):
            failed = scope.render(self.fail_on_max_reached)
            return Plan([], State.FAILED if is_truthy(failed) else ended, outputs=_count(iteration))
        interval = rendered_duration(scope, self._frequency("interval"))
        waiting = Plan([], wake_after=interval, outputs=_count(iteration))
        return waiting.noting(scope, waiting=True)

    def outputs(self, scope: Scope) -> dict[str, Any] | None:
        """``iterationCount``: how many iterations ran."""
        return _count(int(scope.memo().get("iteration", 0)))

    def _limit_reached(self, scope: Scope, iteration: int, memo: Mapping[str, Any]) -> bool:
        most = self._frequency("max_iterations")
        if most is not None and iteration >= rendered_int(scope, most):
            return True
        longest = self._frequency("max_duration")
        if longest is None:
            return False
        started = datetime.fromisoformat(str(memo["since"]))
        return scope.now - started >= rendered_duration(scope, longest)

    def _frequency(self, name: str) -> Any:
        # The older name, WaitFor, kept Kestra 0.21's defaults: 100 iterations, one hour,
        # one second apart; LoopUntil's are no limit and one minute.
        value = getattr(self.check_frequency, name)
        explicit = name in self.check_frequency.model_fields_set
        if not explicit and self.type == WAIT_FOR:
            return _WAIT_FOR_DEFAULTS[name]
        return value


WAIT_FOR = "io.kestra.plugin.core.flow.WaitFor"
_WAIT_FOR_DEFAULTS: dict[str, Any] = {
    "max_iterations": 100,
    "max_duration": timedelta(hours=1),
    "interval": timedelta(seconds=1),
}


def _count(iteration: int) -> dict[str, Any]:
    return {"iterationCount": iteration}
