"""The pure engine: from a flow, an execution and an event to the execution's next state and
the commands to carry out.

No I/O, clock, randomness or id generation happens here: time and new ids come in as
arguments. Flowable tasks are resolved through the sdk's ``plan`` contract; runnable tasks
become ``RunTask`` commands for a worker. Imports ``sdk``, ``model`` and ``expr`` only.
"""

from tiercel.engine.advance import Step, StepLog, advance
from tiercel.engine.events import (
    ChangeTaskRunState,
    Command,
    Event,
    ExecutionEnded,
    Kill,
    KillRuns,
    Recover,
    Restart,
    Resume,
    ResumeExecution,
    RetryExecution,
    RunTask,
    SetLabels,
    SetTimer,
    SharedDirectory,
    SlaExpired,
    Start,
    StartSubflow,
    SubflowEnded,
    TaskResult,
    Wake,
)
from tiercel.engine.templates import FindTemplate, include_templates
from tiercel.engine.view import ExecutionView, FlowIndex

__all__ = [
    "ChangeTaskRunState",
    "Command",
    "Event",
    "ExecutionEnded",
    "ExecutionView",
    "FindTemplate",
    "FlowIndex",
    "Kill",
    "KillRuns",
    "Recover",
    "Restart",
    "Resume",
    "ResumeExecution",
    "RetryExecution",
    "RunTask",
    "SetLabels",
    "SetTimer",
    "SharedDirectory",
    "SlaExpired",
    "Start",
    "StartSubflow",
    "Step",
    "StepLog",
    "SubflowEnded",
    "TaskResult",
    "Wake",
    "advance",
    "include_templates",
]
