"""Running one runnable task: its outcome as the engine's ``TaskResult``."""

import json
import traceback
from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from tiercel.engine import RunTask, TaskResult
from tiercel.expr import ExpressionError
from tiercel.model.state import State
from tiercel.model.task import LogLevel
from tiercel.runtime.context import WorkerRunContext
from tiercel.sdk import FlowableTask, Outcome, RunnableTask, TaskFailure


def run_task(command: RunTask, ctx: WorkerRunContext) -> TaskResult:
    """Run the task of ``command``; every failure becomes a FAILED result with a log line."""
    task = command.task
    run_id = command.run.id
    if not isinstance(task, RunnableTask | FlowableTask) or (
        isinstance(task, FlowableTask) and not command.finish
    ):
        ctx.sink(LogLevel.ERROR, f"{task.type} is not a task a worker can run")
        return TaskResult(run_id, State.FAILED)
    try:
        returned = task.finish(ctx) if isinstance(task, FlowableTask) else task.run(ctx)
    except TaskFailure as exc:
        ctx.logger.error(str(exc))
        return TaskResult(run_id, State.FAILED)
    except (ExpressionError, ValidationError) as exc:
        ctx.logger.error(f"{task.id}: {exc}")
        return TaskResult(run_id, State.FAILED)
    except NotImplementedError as exc:
        ctx.logger.error(str(exc))
        return TaskResult(run_id, State.FAILED)
    except Exception as exc:  # a plugin's bug must not take the worker down
        ctx.logger.error(f"{task.id} failed: {type(exc).__name__}: {exc}")
        ctx.logger.debug("".join(traceback.format_exception(exc)))
        return TaskResult(run_id, State.FAILED)
    if ctx.killed.is_set():
        return TaskResult(run_id, State.KILLED)
    if isinstance(returned, Outcome):
        return TaskResult(run_id, returned.state, plain(returned.outputs))
    return TaskResult(run_id, State.SUCCESS, plain(returned) if returned else None)


def plain(outputs: Mapping[str, Any]) -> dict[str, Any]:
    """Outputs as plain JSON values, so that they store and render the same everywhere."""
    result: dict[str, Any] = json.loads(json.dumps(dict(outputs), default=_default))
    return result


def _default(value: Any) -> Any:
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "total_seconds"):
        return value.total_seconds()
    return str(value)
