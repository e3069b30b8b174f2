"""Small plugin classes that let model tests run without the core plugin catalogue."""

from datetime import timedelta
from typing import Annotated

from pydantic import Field

from tiercel.registry import Registry
from tiercel.sdk import (
    AnyTask,
    Condition,
    FlowableTask,
    Property,
    RunnableTask,
    Text,
    Trigger,
    Violation,
    plugin,
)


@plugin("test.Echo", aliases=["legacy.Echo"])
class Echo(RunnableTask):
    """Echo a message."""

    message: Text
    times: Property[int] = 1
    wait: Property[timedelta] | None = None


@plugin("test.group.Group")
class Group(FlowableTask):
    """Run tasks one after the other."""

    tasks: Annotated[list[AnyTask], Field(min_length=1)]


@plugin("test.Call")
class Call(RunnableTask):
    """Start another flow."""

    namespace: Text
    flow_id: Text

    def called_flow(self) -> tuple[str, str] | None:
        return (self.namespace, self.flow_id)


@plugin("test.Picky")
class Picky(RunnableTask):
    """A task with a rule of its own."""

    low: int
    high: int

    def violations(self) -> list[Violation]:
        if self.low > self.high:
            return [Violation(("low",), "low must not exceed high")]
        return []


@plugin("test.Always")
class Always(Condition):
    """A condition that always holds."""


@plugin("test.Tick")
class Tick(Trigger):
    """A trigger."""

    every: timedelta


def sample_registry() -> Registry:
    """A registry holding only the classes above."""
    registry = Registry()
    registry.register_all([Echo, Group, Call, Picky, Always, Tick])
    return registry
