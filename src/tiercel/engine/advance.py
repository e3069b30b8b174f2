"""``advance``: apply one event to an execution and resolve what runs next."""

from datetime import datetime
from typing import assert_never

from tiercel.engine.changes import Changes
from tiercel.engine.core import NewId, Step, StepLog
from tiercel.engine.events import (
    ChangeTaskRunState,
    Event,
    Kill,
    Recover,
    Restart,
    Resume,
    SetLabels,
    SlaExpired,
    Start,
    SubflowEnded,
    TaskResult,
    Wake,
)
from tiercel.engine.lifecycle import Lifecycle
from tiercel.engine.sla import Slas
from tiercel.engine.subflows import Subflows
from tiercel.engine.view import ExecutionView

__all__ = ["Step", "StepLog", "advance"]


class _Engine(Lifecycle, Subflows, Changes, Slas):
    """Every handler, on one engine."""


def advance(view: ExecutionView, event: Event, now: datetime, new_id: NewId) -> Step:
    """Apply ``event`` to the execution held by ``view`` and resolve everything it unblocks.

    The view is updated in place (it is the executor's working copy); the returned ``Step``
    lists every task run that changed and the commands to carry out, so the caller can store
    them before acting. A caller that fails to store them must drop the view and reload it.
    """
    engine = _Engine(view, now, new_id)
    before = view.execution.state.current
    # A match that must name every kind: mypy rejects an event kind with no case.
    match event:
        case Start():
            engine.start()
        case TaskResult():
            engine.task_result(event)
        case Kill():
            engine.kill(event.by)
        case Wake():
            engine.wake(event)
        case Resume():
            engine.resume(event)
        case Restart():
            engine.restart(event)
        case Recover():
            engine.recover(event)
        case SubflowEnded():
            engine.subflow_ended(event)
        case ChangeTaskRunState():
            engine.change_task_run_state(event)
        case SetLabels():
            engine.set_labels(event)
        case SlaExpired():
            engine.sla_expired(event)
        case _:
            assert_never(event)
    engine.enforce_slas(event, before)
    engine.resolve()
    return engine.step
