"""Use cases shared by the API, the CLI and the scheduler: what may be done to an execution.

Each operation reads the stored execution, checks that it applies (a resume needs a paused
execution, a restart an ended one), prepares the engine event with its inputs validated, and
leaves delivering it to whichever runtime executes the flow. Imports ``engine``, ``storage``
and ``model``.
"""

from tiercel.ops.executions import (
    InvalidRequestError,
    NotFoundError,
    OperationError,
    change_task_run_state,
    kill,
    replay,
    restart,
    resume,
    set_labels,
)

__all__ = [
    "InvalidRequestError",
    "NotFoundError",
    "OperationError",
    "change_task_run_state",
    "kill",
    "replay",
    "restart",
    "resume",
    "set_labels",
]
