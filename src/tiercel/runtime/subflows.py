"""Executions started by a ``Subflow`` task, and the callers waiting for their ends."""

from collections.abc import Callable
from typing import Any, Protocol

from tiercel.engine import StartSubflow, SubflowEnded
from tiercel.engine.inputs import InputError
from tiercel.model.execution import Execution, ExecutionTrigger, TaskRun
from tiercel.model.flow import Flow
from tiercel.model.labels import Label
from tiercel.model.state import State
from tiercel.model.task import LogLevel
from tiercel.runtime.creation import subflow_trigger
from tiercel.runtime.logbook import Logbook
from tiercel.runtime.ports import Inbox
from tiercel.runtime.task_worker import FlowFinder


class Create(Protocol):
    """Creates, stores and admits an execution (the executor's ``create``)."""

    def __call__(
        self,
        flow: Flow,
        given: dict[str, Any],
        labels: tuple[Label, ...] = (),
        *,
        parent: Execution | None = None,
        trigger: ExecutionTrigger | None = None,
    ) -> Execution: ...


class Subflows:
    """Starts the executions ``Subflow`` tasks ask for and tells each waiting caller (by a
    ``SubflowEnded`` on the inbox) when its child ends.

    It holds no reference to the executor (``create`` comes with each call): the executor and
    its parts form no cycle, so a finished runner and its executions are freed at once, not at
    the collector's next full pass.
    """

    def __init__(self, inbox: Inbox, logbook: Logbook, find_flow: FlowFinder) -> None:
        self._inbox = inbox
        self._logbook = logbook
        self._find_flow = find_flow
        self._callers: dict[str, tuple[str, str]] = {}  # child id → (parent id, task run id)

    def awaited(self, execution_id: str) -> bool:
        """Whether a caller waits for the end of that execution."""
        return execution_id in self._callers

    def start(self, parent_id: str, command: StartSubflow, create: Create) -> None:
        """Create the child execution ``command`` asks for with ``create``."""
        call, run = command.call, command.run
        flow = self._find_flow(call.namespace, call.flow_id, call.revision)
        if flow is None:
            message = f"Unable to find flow '{call.namespace}'.'{call.flow_id}'"
            self._fail_caller(parent_id, run, message)
            return
        labels = tuple(call.labels)
        if call.inherit_labels:
            labels = (*command.parent.labels, *labels)
        trigger = subflow_trigger(run.task_id, command.parent)
        try:
            child = create(flow, call.inputs, labels, parent=command.parent, trigger=trigger)
        except InputError as exc:
            self._fail_caller(parent_id, run, f"Invalid inputs for the subflow: {exc}")
            return
        if not call.wait:
            self._inbox.put(parent_id, SubflowEnded(run.id, child.id, None))
        elif child.state.current.is_terminated:
            # Refused by its flow's concurrency limit: it ends without ever running.
            self._inbox.put(parent_id, SubflowEnded(run.id, child.id, child.state.current))
        else:
            self._callers[child.id] = (parent_id, run.id)

    def ended(self, ended: Execution, outputs: Callable[[], dict[str, Any]]) -> None:
        """``ended`` has ended (for good, or to wait): its caller, if any, is told."""
        for_good = ended.state.current.is_terminated
        caller = (self._callers.pop if for_good else self._callers.get)(ended.id, None)
        if caller is not None:
            parent_id, run_id = caller
            event = SubflowEnded(run_id, ended.id, ended.state.current, ended.outputs, outputs())
            self._inbox.put(parent_id, event)

    def _fail_caller(self, parent_id: str, run: TaskRun, message: str) -> None:
        self._logbook.executor_line(parent_id, run, LogLevel.ERROR, message)
        self._inbox.put(parent_id, SubflowEnded(run.id, "", State.FAILED))
