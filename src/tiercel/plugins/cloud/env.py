"""``Env``: the few services object-store code needs, from a task's or a trigger's context.

Kestra's triggers run the family's own tasks (``List``, ``Download``...) inside the trigger;
here the shared code takes an ``Env`` instead, so a task and a trigger run the same code.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, BinaryIO, TypeVar

from tiercel.sdk import LogLevel, RunContext, TaskFailure, TriggerContext
from tiercel.sdk.coercion import coerce

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Env:
    """Rendering, logging, storing files and recording metrics."""

    render: Callable[[Any], Any]
    log: Callable[[LogLevel, str], None]
    put: Callable[[str, BinaryIO], str]
    open: Callable[[str], BinaryIO]
    metric: Callable[[str, float], None]

    @classmethod
    def of_task(cls, ctx: RunContext) -> "Env":
        """The environment of a task run."""
        loggers = {
            LogLevel.TRACE: ctx.logger.trace,
            LogLevel.DEBUG: ctx.logger.debug,
            LogLevel.INFO: ctx.logger.info,
            LogLevel.WARN: ctx.logger.warn,
            LogLevel.ERROR: ctx.logger.error,
        }
        return cls(
            render=ctx.render,
            log=lambda level, message: loggers[level](message),
            put=ctx.files.put,
            open=ctx.files.open,
            metric=lambda name, value: ctx.metric(name, value),
        )

    @classmethod
    def of_trigger(cls, ctx: TriggerContext) -> "Env":
        """The environment of a trigger evaluation: it stores files for the execution to
        come, reads none, and has no execution to record metrics on."""

        def unreadable(uri: str) -> BinaryIO:
            raise TaskFailure(f"A trigger cannot read {uri}: it runs outside any execution")

        return cls(
            render=ctx.render,
            log=ctx.log,
            put=ctx.put_file,
            open=unreadable,
            metric=lambda name, value: None,
        )

    def value(self, prop: Any, kind: type[T]) -> T:
        """A property rendered and coerced to ``kind`` (a class or a generic alias)."""
        result: T = rendered_as(self.render(prop), kind)
        return result

    def optional(self, prop: Any, kind: type[T]) -> T | None:
        """Like ``value``, None for an unset property or one rendering to nothing."""
        if prop is None:
            return None
        result = self.render(prop)
        if result is None or result == "":
            return None
        coerced: T = rendered_as(result, kind)
        return coerced


def rendered_as(value: Any, kind: Any) -> Any:
    """A rendered value coerced to ``kind``, or a clear failure."""
    try:
        result = coerce(value, kind)
    except ValueError as exc:
        problem = " ".join(str(exc).split())
        raise TaskFailure(f"Invalid value {value!r}: {problem}") from None
    return result
