"""What the executor does with the commands of a stored step: timers, kills, subflows,
resumes, retries, and what an execution's end sets off."""

import weakref
from collections.abc import Callable
from typing import TYPE_CHECKING, assert_never

from tiercel.engine import (
    Command,
    ExecutionEnded,
    ExecutionView,
    KillRuns,
    Resume,
    ResumeExecution,
    RetryExecution,
    RunTask,
    SetTimer,
    Start,
    StartSubflow,
)
from tiercel.engine.inputs import InputError
from tiercel.model.execution import Execution
from tiercel.model.task import LogLevel
from tiercel.runtime.ports import Retry

if TYPE_CHECKING:
    from tiercel.runtime.executor import Executor


class Commands:
    """Carries out commands through the executor's parts, on the loop's thread.

    Args:
        executor: The executor whose timers, dispatcher, subflows and inbox act.
        on_end: Told of each end.
    """

    def __init__(self, executor: "Executor", on_end: Callable[[Execution], None] | None) -> None:
        # A weak reference: the executor owns this object, and a cycle between the two would
        # keep an ended runner's executions (ten thousand task runs, say) alive until the
        # cyclic collector's rare full pass; without it they go as soon as the runner does.
        self._executor = weakref.proxy(executor)
        self._on_end = on_end

    def carry_out(self, view: ExecutionView, command: Command) -> None:
        """Act on one command of ``view``'s stored step."""
        executor = self._executor
        execution_id = view.execution.id
        # A match that must name every command: mypy rejects a command kind with no case.
        match command:
            case RunTask():
                pass  # dispatched as one batch with the step's other task runs
            case SetTimer():
                executor.timers.after(command.at, execution_id, command.event, engine_timer=True)
            case KillRuns():
                executor.dispatcher.kill(list(command.task_run_ids))
            case StartSubflow():
                executor.subflows.start(execution_id, command, executor.create)
            case ResumeExecution():
                self._resume(execution_id, command)
            case RetryExecution():
                executor.timers.after(command.at, execution_id, Retry(command.execution))
            case ExecutionEnded():
                self._ended(view, command.execution)
            case _:
                assert_never(command)

    def retry(self, failed: Execution) -> None:
        """Start a new execution retrying ``failed`` (its flow's retry policy said so)."""
        executor = self._executor
        flow = executor.held.find_flow(failed.namespace, failed.flow_id, None)
        if flow is None:
            self._line(failed.id, "Cannot retry the execution: no flow")
            return
        try:
            executor.create(flow, dict(failed.inputs), (), trigger=failed.trigger, retry_of=failed)
        except InputError as exc:
            self._line(failed.id, f"Cannot retry the execution: {exc}")

    def _ended(self, view: ExecutionView, ended: Execution) -> None:
        executor = self._executor
        if self._on_end is not None:
            self._on_end(view.execution)
        flow = executor.held.find_flow(ended.namespace, ended.flow_id, None)  # its limit now
        for queued in executor.slots.to_start(flow) if flow is not None else ():
            executor.inbox.put(queued, Start())
        executor.subflows.ended(ended, lambda: view.outputs)

    def _resume(self, caller_id: str, command: ResumeExecution) -> None:
        # The execution may be one this executor has not loaded: a paused one in the store.
        executor = self._executor
        target = command.execution_id
        if executor.held.load(target, lambda _: None) is None:
            self._line(caller_id, f"No execution '{target}' to resume")
            return
        executor.inbox.put(target, Resume(command.inputs))

    def _line(self, execution_id: str, message: str) -> None:
        self._executor.logbook.executor_line(execution_id, None, LogLevel.ERROR, message)
