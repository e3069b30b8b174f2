"""Running one runnable task: its outcome as the engine's ``TaskResult``; and the threads that
run them."""

import json
import queue
import threading
import traceback
from collections.abc import Callable, Mapping
from typing import Any

from pydantic import ValidationError

from tiercel.engine import RunTask, TaskResult
from tiercel.expr import ExpressionError
from tiercel.model.state import State
from tiercel.model.task import LogLevel
from tiercel.runtime.context import WorkerRunContext
from tiercel.sdk import FlowableTask, Outcome, Output, RunnableTask, TaskFailure, output_values


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
        return TaskResult(run_id, State.FAILED, plain(exc.outputs) if exc.outputs else None)
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
    return TaskResult(run_id, State.SUCCESS, (plain(returned) or None) if returned else None)


def plain(outputs: Mapping[str, Any] | Output) -> dict[str, Any]:
    """Outputs as plain JSON values, so that they store and render the same everywhere."""
    result: dict[str, Any] = json.loads(_PLAIN.encode(output_values(outputs)))
    return result


def _default(value: Any) -> Any:
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "total_seconds"):
        return value.total_seconds()
    return str(value)


_PLAIN = json.JSONEncoder(default=_default)
"""What ``json.dumps(value, default=_default)`` would build on every call (it keeps no state
between calls): made once, as every task run's outputs go through it."""


class WorkerPool:
    """Up to ``threads`` threads that take jobs from one queue, in order.

    Handing a job over is one put on a queue, with no future to make: a step that starts
    10,000 task runs hands them over in a few milliseconds, while the threads it has already
    woken compete with it for the interpreter. A thread starts only when no started one is
    idle, so a flow that runs one task at a time uses one.
    """

    def __init__(self, threads: int, name: str = "tiercel-worker") -> None:
        self._jobs: queue.SimpleQueue[tuple[Callable[..., None], tuple[Any, ...]] | None] = (
            queue.SimpleQueue()
        )
        self._size = max(1, threads)
        self._name = name
        # Threads done with a job and not yet given another: a count under a plain lock,
        # whose acquire and release are C calls (a Semaphore's are Python, on every job).
        self._idle = 0
        self._idle_lock = threading.Lock()
        self._threads: list[threading.Thread] = []

    def submit(self, job: Callable[..., None], *args: Any) -> None:
        """Run ``job(*args)`` on the next free thread."""
        self._jobs.put((job, args))
        with self._idle_lock:
            if self._idle:
                self._idle -= 1
                return
        if len(self._threads) >= self._size:
            return
        thread = threading.Thread(
            target=self._serve, name=f"{self._name}-{len(self._threads)}", daemon=True
        )
        thread.start()
        self._threads.append(thread)

    def close(self) -> None:
        """Let the threads finish the jobs handed over, then stop them."""
        for _ in self._threads:
            self._jobs.put(None)
        for thread in self._threads:
            thread.join()

    def __enter__(self) -> "WorkerPool":
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def _serve(self) -> None:
        while (item := self._jobs.get()) is not None:
            job, args = item
            job(*args)
            # Not kept while the thread waits: a job holds its task's variables (a trigger's
            # body, outputs), megabytes at times.
            del item, job, args
            with self._idle_lock:
                self._idle += 1
