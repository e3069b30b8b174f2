"""What happens to an execution (events) and what the engine asks for in return (commands)."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from tiercel.model.execution import Execution, TaskRun
from tiercel.model.labels import Label
from tiercel.model.state import State
from tiercel.model.task import Task
from tiercel.sdk.task import SubflowCall


@dataclass(frozen=True, slots=True)
class Start:
    """The execution was created: start running it."""


@dataclass(frozen=True, slots=True)
class TaskResult:
    """A worker finished one attempt of a task run."""

    task_run_id: str
    state: State
    outputs: dict[str, Any] | None = None


@dataclass(frozen=True, slots=True)
class Kill:
    """Someone asked to kill the execution; ``by`` says who or what, for its log lines."""

    by: str | None = None


@dataclass(frozen=True, slots=True)
class Recover:
    """The process that ran this execution stopped without ending it: pick its work up again.

    Task runs that were running get a new attempt; waits are resumed; everything else is
    resolved again from the stored state.

    With ``lost``, only those task runs get a new attempt, if still running: the others are
    still in a worker's hands (their jobs outlived the executor). Without ``waits``, only a
    worker was lost, and the executor's timers still stand.

    With ``started``, only those of the lost task runs had begun on a worker: they end their
    attempt KILLED and get a new one. The others were handed over but never began (a worker's
    queue died with it): their attempt is dispatched again as it is, for it never ran.
    """

    lost: frozenset[str] | None = None
    waits: bool = True
    started: frozenset[str] | None = None


@dataclass(frozen=True, slots=True)
class Restart:
    """Run the failed parts of an ended (or paused) execution again, in the same execution.

    With ``from_task_run_id`` (a replay), that run is run again whatever its state, and every
    run created after it, but its enclosing runs, is dropped and created anew.
    """

    from_task_run_id: str | None = None


@dataclass(frozen=True, slots=True)
class Resume:
    """Someone resumed the paused execution, with the ``onResume`` inputs they gave."""

    inputs: dict[str, Any] | None = None


@dataclass(frozen=True, slots=True)
class SubflowEnded:
    """The execution a subflow task started has ended (or started, when not waited for)."""

    task_run_id: str
    execution_id: str
    state: State | None
    """The child's final state; None when the task does not wait for it."""
    outputs: dict[str, Any] | None = None
    """The child's flow outputs."""
    task_outputs: dict[str, Any] | None = None
    """The child's task outputs, for the deprecated ``outputs`` of a subflow task."""


@dataclass(frozen=True, slots=True)
class Wake:
    """A timer set by the engine went off for a task run: a retry's delay has passed, a
    pause has lasted its duration, or (``timeout``) the task ran out of time."""

    task_run_id: str
    timeout: bool = False


@dataclass(frozen=True, slots=True)
class SlaExpired:
    """The deadline of the flow's ``MAX_DURATION`` SLA ``sla_id`` has come (Kestra's SLA
    monitor): if the execution is still going, the SLA is violated."""

    sla_id: str


@dataclass(frozen=True, slots=True)
class ChangeTaskRunState:
    """Someone marked a task run of an ended (or paused) execution with a new state
    (Kestra's "change state"): the execution goes on from there, as after a restart."""

    task_run_id: str
    state: State


@dataclass(frozen=True, slots=True)
class SetLabels:
    """Someone replaced the execution's labels with ``labels``; the ``system.`` labels it
    has and ``labels`` does not name are kept."""

    labels: tuple[Label, ...]


Event = (
    Start
    | TaskResult
    | Kill
    | Recover
    | Restart
    | Resume
    | SubflowEnded
    | Wake
    | ChangeTaskRunState
    | SetLabels
    | SlaExpired
)


@dataclass(frozen=True, slots=True)
class SharedDirectory:
    """The working directory a flowable shares with the tasks below it."""

    owner_run_id: str
    owner: Task
    owner_variables: dict[str, Any] = field(repr=False)


@dataclass(frozen=True, slots=True)
class RunTask:
    """Ask a worker to run a runnable task, with the variables its properties render with.

    With ``finish``, the task is a flowable whose children are done: the worker calls its
    ``finish`` in the shared directory instead of running anything.
    """

    run: TaskRun
    task: Task
    variables: dict[str, Any] = field(repr=False)
    directory: SharedDirectory | None = None
    finish: bool = False


@dataclass(frozen=True, slots=True)
class ExecutionEnded:
    """The execution reached its final state (flow triggers and parent subflows listen)."""

    execution: Execution


@dataclass(frozen=True, slots=True)
class KillRuns:
    """Ask workers to stop these running task runs."""

    task_run_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class StartSubflow:
    """Create and start an execution of another flow for a subflow task run."""

    run: TaskRun
    call: SubflowCall
    parent: Execution


@dataclass(frozen=True, slots=True)
class ResumeExecution:
    """Resume another (or this) paused execution, with ``onResume`` inputs."""

    execution_id: str
    inputs: dict[str, Any] | None = None


@dataclass(frozen=True, slots=True)
class SetTimer:
    """Deliver ``event`` to the execution at ``at``."""

    at: datetime
    event: Wake | SlaExpired


@dataclass(frozen=True, slots=True)
class RetryExecution:
    """Create a new execution of the flow at ``at``, retrying ``execution`` (now RETRIED)."""

    execution: Execution
    at: datetime


Command = (
    RunTask | ExecutionEnded | KillRuns | ResumeExecution | RetryExecution | SetTimer | StartSubflow
)
