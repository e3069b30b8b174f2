"""``advance``: apply one event to an execution and resolve what runs next."""

from datetime import datetime

from tiercel.engine.changes import Changes
from tiercel.engine.core import NewId, Step
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

__all__ = ["Step", "advance"]


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
    if isinstance(event, Start):
        engine.start()
    elif isinstance(event, TaskResult):
        engine.task_result(event)
    elif isinstance(event, Kill):
        engine.kill(event.by)
    elif isinstance(event, Wake):
        engine.wake(event)
    elif isinstance(event, Resume):
        engine.resume(event)
    elif isinstance(event, Restart):
        engine.restart(event)
    elif isinstance(event, Recover):
        engine.recover(event)
    elif isinstance(event, SubflowEnded):
        engine.subflow_ended(event)
    elif isinstance(event, ChangeTaskRunState):
        engine.change_task_run_state(event)
    elif isinstance(event, SetLabels):
        engine.set_labels(event)
    elif isinstance(event, SlaExpired):
        engine.sla_expired(event)
    engine.enforce_slas(event, before)
    engine.resolve()
    return engine.step
