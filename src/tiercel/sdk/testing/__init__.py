"""A test kit for plugin authors: run one task in memory and read what it did.

``run_task`` runs a task with the properties, inputs and variables a test gives, as a worker
runs it (rendering, internal storage, KV store, namespace files, logs, metrics), with nothing
else started, and returns its state, its typed outputs, its log lines and the files it
stored::

    result = run_task(make_task(Greet, who="{{ inputs.name }}"), inputs={"name": "Ada"})
    assert result.outputs.message == "Hello, Ada!"
    assert result.messages() == ["Hello, Ada!"]

This module is for tests: it is not imported by Tiercel itself.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Generic

from pydantic import ValidationError
from typing_extensions import TypeVar

from tiercel.expr import ExpressionError
from tiercel.model.base import PluginObject
from tiercel.model.state import State
from tiercel.model.task import LogLevel
from tiercel.sdk.output import Output, output_values
from tiercel.sdk.plugin import plugin_info
from tiercel.sdk.run_context import Outcome, TaskFailure
from tiercel.sdk.task import RunnableTask
from tiercel.sdk.testing.context import FIXED_NOW, Metric, TestRunContext
from tiercel.sdk.testing.stores import LogLine

__all__ = [
    "FIXED_NOW",
    "LogLine",
    "Metric",
    "RunResult",
    "TestRunContext",
    "make_task",
    "run_task",
]

OutputT = TypeVar("OutputT", default=Any)
TaskT = TypeVar("TaskT", bound=PluginObject)


@dataclass
class RunResult(Generic[OutputT]):
    """What one run of a task did."""

    state: State
    """SUCCESS, WARNING, FAILED or KILLED."""
    outputs: OutputT | None
    """What ``run`` returned: the typed ``Output`` model (a mapping for untyped tasks); None
    when it failed or has no outputs."""
    values: dict[str, Any]
    """The outputs as a flow reads them (``outputs.<task id>.<name>``), also on failure."""
    logs: list[LogLine]
    files: dict[str, bytes]
    """Internal storage after the run: ``kestra://`` URI to content."""
    metrics: list[Metric] = field(default_factory=list)
    error: str | None = None
    """The failure's message, when the task failed."""

    def messages(self, level: LogLevel | None = None) -> list[str]:
        """The logged messages, of one level if given."""
        return [line.message for line in self.logs if level is None or line.level is level]

    def file(self, uri: str) -> bytes:
        """The content of a stored file (an output URI, say)."""
        return self.files[uri]


def make_task(cls: type[TaskT], properties: Mapping[str, Any] | None = None, **more: Any) -> TaskT:
    """A task of ``cls`` from its properties as a flow writes them (camelCase keys).

    ``id`` defaults to ``task`` and ``type`` to the class's ``@plugin`` name. Keyword arguments
    are added to ``properties``.

    Raises:
        pydantic.ValidationError: the properties are not valid for ``cls``.
    """
    info = plugin_info(cls)
    given = {"id": "task", "type": info.type if info else cls.__name__, **(properties or {})}
    given.update(more)
    return cls.model_validate(given)


def run_task(
    task: RunnableTask[OutputT], ctx: TestRunContext | None = None, **context: Any
) -> RunResult[OutputT]:
    """Run ``task`` as a worker would, in memory.

    A ``TaskFailure``, an expression that does not render or a property that does not
    validate ends the run FAILED with ``error`` set, as on a worker; any other exception is a
    bug of the task, and is raised for the test to see.

    Args:
        task: The task to run.
        ctx: The context to run it in; by default a new ``TestRunContext(**context)``.
        **context: Arguments of ``TestRunContext`` (``inputs``, ``variables``, ``files``...).
    """
    if ctx is None:
        context.setdefault("task_id", task.id)
        ctx = TestRunContext(**context)
    ctx.variables["task"].update({"id": task.id, "type": task.type})
    try:
        returned = task.run(ctx)
    except TaskFailure as exc:
        ctx.logger.error(str(exc))
        return _result(ctx, State.FAILED, None, output_values(exc.outputs), str(exc))
    except (ExpressionError, ValidationError) as exc:
        message = f"{task.id}: {exc}"
        ctx.logger.error(message)
        return _result(ctx, State.FAILED, None, {}, message)
    finally:
        ctx.close()
    if ctx.killed.is_set():
        return _result(ctx, State.KILLED, None, {}, None)
    if isinstance(returned, Outcome):
        outputs: Any = returned.outputs
        return _result(ctx, returned.state, outputs, output_values(returned.outputs), None)
    values = output_values(returned) if isinstance(returned, Output | Mapping) else {}
    return _result(ctx, State.SUCCESS, returned, values, None)


def _result(
    ctx: TestRunContext, state: State, outputs: Any, values: dict[str, Any], error: str | None
) -> RunResult[Any]:
    return RunResult(
        state=state,
        outputs=outputs,
        values=values,
        logs=list(ctx.logger.lines),
        files=dict(ctx.files.content),
        metrics=list(ctx.metrics),
        error=error,
    )
