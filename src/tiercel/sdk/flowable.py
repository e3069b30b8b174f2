"""What a flowable task sees of its own run, and the shared ways of running children.

The executor resolves flowable tasks: on every change below a flowable's run it asks the task
which child runs to create next (``next_runs``) and whether the run has ended
(``final_state``). The task answers from a ``Scope``: its own run, its children so far, and
expression rendering in its context. What a flowable wants to remember between resolutions
(its rendered values, its iteration) it returns in ``Plan.memo``; the scope's notes are
read-only. ``sequential`` and ``concurrent`` implement the two
orderings Kestra's flowables share, with their ``errors`` and ``finally`` branches.
"""

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any, Protocol

from pydantic import TypeAdapter

from tiercel.expr import to_string
from tiercel.model.execution import TaskRun
from tiercel.model.property import Duration
from tiercel.model.state import State
from tiercel.model.task import Task


@dataclass(frozen=True, slots=True)
class NextRun:
    """A child task run a flowable asks the executor to create."""

    task: Task
    value: str | None = None
    iteration: int | None = None


class Scope(Protocol):
    """A flowable task's view of its own run and of the runs below it."""

    @property
    def run(self) -> TaskRun:
        """The flowable's own task run."""
        ...

    @property
    def now(self) -> datetime:
        """The time of the event being resolved."""
        ...

    def child(
        self, task_id: str, value: str | None = None, iteration: int | None = None
    ) -> TaskRun | None:
        """The child run of ``task_id`` (for a loop's ``value`` or ``iteration``), if any."""
        ...

    def count(self, task_ids: frozenset[str], *, terminated: bool | None = None) -> int:
        """How many child runs of these tasks exist (only ended ones, or only live ones)."""
        ...

    def effective_states(self, task_ids: frozenset[str]) -> frozenset[State]:
        """The states the ended child runs of these tasks count as for their parent.

        ``allowFailure`` turns FAILED into WARNING, ``allowWarning`` WARNING into SUCCESS.
        """
        ...

    def render(self, value: Any) -> Any:
        """Render a property (strings, recursively through lists and maps)."""
        ...

    def evaluate(self, expression: str) -> Any:
        """Evaluate one expression (the text inside ``{{ }}``) to its value."""
        ...

    def memo(self) -> Mapping[str, Any]:
        """The flowable's private notes, kept with its run (rendered values, iterations):
        read-only; a flowable changes them by returning ``Plan.memo``."""
        ...


@dataclass(frozen=True, slots=True)
class Branches:
    """A flowable's children in their three branches."""

    tasks: Sequence[Task]
    errors: Sequence[Task] = ()
    finally_: Sequence[Task] = ()
    _ids: dict[int, frozenset[str]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    """The ids of each branch once asked for: a kept ``Branches`` (the flow's own) is asked
    on every event."""

    def ids(self, which: Sequence[Task]) -> frozenset[str]:
        """The ids of one branch."""
        if which is self.tasks or which is self.errors or which is self.finally_:
            known = self._ids.get(id(which))
            if known is None:
                known = self._ids[id(which)] = frozenset(task.id for task in which)
            return known
        return frozenset(task.id for task in which)


FAILURE_STATES = frozenset({State.FAILED, State.KILLED})


def outcome(states: frozenset[State]) -> State:
    """The state a set of ended children gives its parent: KILLED > FAILED > WARNING >
    PAUSED > SUCCESS (SKIPPED children count as success)."""
    for state in (State.KILLED, State.FAILED, State.WARNING, State.PAUSED):
        if state in states:
            return state
    return State.SUCCESS


class Slots:
    """The child runs of one branch in creation order: every task, for every value if any.

    Computed by index rather than listed, so a loop over 10,000 values costs nothing until a
    slot is needed.
    """

    def __init__(self, tasks: Sequence[Task], values: Sequence[str] | None = None) -> None:
        self.tasks = tasks
        self.values = values

    def __len__(self) -> int:
        return len(self.tasks) * (len(self.values) if self.values is not None else 1)

    def __getitem__(self, index: int) -> NextRun:
        if self.values is None:
            return NextRun(self.tasks[index])
        value, position = divmod(index, len(self.tasks))
        return NextRun(self.tasks[position], self.values[value])


@dataclass(frozen=True, slots=True)
class Plan:
    """What a flowable wants now: child runs to create, or its final state once it has ended.

    ``pause`` asks the executor to pause the run and the execution until someone resumes
    them, or until ``resume_after`` has passed when it is set; the run's notes then hold
    ``resumed`` (``"timer"`` or ``"manual"``) and, for a manual resume, ``onResume``.
    """

    next_runs: list[NextRun]
    state: State | None = None
    pause: bool = False
    resume_after: timedelta | None = None
    wake_after: timedelta | None = None
    """Resolve the run again after this long, though nothing below it changed."""
    outputs: dict[str, Any] | None = None
    """Outputs to show on the run while it is still running (a loop's iteration count)."""
    memo: Mapping[str, Any] | None = None
    """The run's notes from now on, when this resolution changed them; None keeps them."""

    def noting(self, scope: "Scope", **notes: Any) -> "Plan":
        """This plan, keeping ``notes`` in the run's notes too (over those of ``memo``, or
        else of ``scope``); itself when the notes already hold these very values."""
        current = self.memo if self.memo is not None else scope.memo()
        missing = object()
        # Identity first: a loop's stored values are handed back as they are, and comparing
        # 10,000 of them on every event would cost as much as rendering them.
        if all(
            (old := current.get(key, missing)) is value or old == value
            for key, value in notes.items()
        ):
            return self
        return replace(self, memo={**current, **notes})


def run_branches(
    scope: Scope,
    branches: Branches,
    main: Slots | None = None,
    *,
    limit: int | None = 1,
) -> Plan:
    """Resolve a flowable whose main branch runs ``limit`` children at a time (1: one after
    the other, 0 or None: all at once), followed by ``errors`` when a child failed and by
    ``finally`` in every case, each of those one task after the other.
    """
    slots = main if main is not None else Slots(branches.tasks)
    main_ids = branches.ids(branches.tasks)
    main_states = scope.effective_states(main_ids)
    failed = bool(main_states & FAILURE_STATES)
    created = scope.count(main_ids)
    live = scope.count(main_ids, terminated=False)
    if not failed and created < len(slots):
        room = len(slots) - created if not limit else limit - live
        if room > 0:
            return Plan(
                [slots[i] for i in range(created, created + min(room, len(slots) - created))]
            )
        return Plan([])
    if live:
        return Plan([])  # wait for started children; after a failure none is added
    return _tail(scope, branches, failed)


def _tail(scope: Scope, branches: Branches, failed: bool) -> Plan:
    """Once the main branch has ended: ``errors`` if it failed, then ``finally``, then the
    final state of all of them."""
    if failed and branches.errors:
        step = _next_in_sequence(scope, Slots(branches.errors))
        if step is not None:
            return step
    if branches.finally_:
        step = _next_in_sequence(scope, Slots(branches.finally_))
        if step is not None:
            return step
    every = branches.ids(branches.tasks) | branches.ids(branches.errors)
    return Plan([], outcome(scope.effective_states(every | branches.ids(branches.finally_))))


def _next_in_sequence(scope: Scope, slots: Slots) -> Plan | None:
    """The next step of a branch run one task after the other, or None once it has ended."""
    ids = frozenset(task.id for task in slots.tasks)
    created = scope.count(ids)
    if scope.count(ids, terminated=False):
        return Plan([])
    if created and scope.effective_states(ids) & FAILURE_STATES:
        return None  # a failure ends the branch
    if created < len(slots):
        return Plan([slots[created]])
    return None


def loop_values(scope: Scope, raw: Any) -> list[str]:
    """The values a loop iterates over: those kept in the run's notes under ``values``, else
    ``raw`` rendered (the loop keeps them with ``Plan.noting(scope, values=...)``).

    ``raw`` is a list or a string rendering to a JSON array. Each item is rendered; maps and
    lists become JSON text, as Kestra passes them to ``taskrun.value``; duplicates are dropped
    and a null item is an error.
    """
    stored = scope.memo().get("values")
    if isinstance(stored, list):
        return stored
    rendered = scope.render(raw)
    if isinstance(rendered, str):
        try:
            rendered = json.loads(rendered)
        except json.JSONDecodeError:
            raise ValueError(f"the values must be a JSON array, got: {rendered[:200]}") from None
    if not isinstance(rendered, list):
        raise ValueError(f"the values must be a list, got {type(rendered).__name__}")
    values: list[str] = []
    seen: set[str] = set()
    for item in rendered:
        if item is None:
            raise ValueError("Found null value in the values to iterate over")
        text = item if isinstance(item, str) else to_string(item)
        if text not in seen:
            seen.add(text)
            values.append(text)
    return values


def rendered_int(scope: Scope, value: Any) -> int:
    """A ``Property[int]`` rendered in the scope."""
    rendered = scope.render(value)
    try:
        return int(rendered)
    except (TypeError, ValueError):
        raise ValueError(f"expected a whole number, got {rendered!r}") from None


def run_groups(scope: Scope, branches: Branches, values: Sequence[str], limit: int) -> Plan:
    """Resolve a loop that runs its tasks one after the other for each value, ``limit``
    values at a time (0: all at once), then ``errors`` and ``finally`` as ``run_branches``.
    How many values have started is kept in the run's notes under ``started``."""
    tasks = list(branches.tasks)
    main_ids = branches.ids(tasks)
    failed = bool(scope.effective_states(main_ids) & FAILURE_STATES)
    started = int(scope.memo().get("started", 0))
    next_runs: list[NextRun] = []
    active = 0
    if not failed:
        for value in values[:started]:
            position, live = _group_progress(scope, tasks, value)
            if live:
                active += 1
            elif position < len(tasks):
                next_runs.append(NextRun(tasks[position], value))
                active += 1
        while started < len(values) and (not limit or active < limit):
            next_runs.append(NextRun(tasks[0], values[started]))
            started += 1
            active += 1
        if next_runs or active:
            return Plan(next_runs).noting(scope, started=started)
    if scope.count(main_ids, terminated=False):
        return Plan([])
    return _tail(scope, branches, failed)


def _group_progress(scope: Scope, tasks: Sequence[Task], value: str) -> tuple[int, bool]:
    """How many tasks of a value's group have a run, and whether the last one is running."""
    for position, task in enumerate(tasks):
        run = scope.child(task.id, value)
        if run is None:
            return position, False
        if not run.state.current.is_terminated:
            return position, True
    return len(tasks), False


_DURATION: TypeAdapter[timedelta] = TypeAdapter(Duration)


def rendered_duration(scope: Scope, value: Any) -> timedelta:
    """A ``Property[Duration]`` rendered in the scope (``PT5M``, in either letter case)."""
    rendered = scope.render(value)
    if isinstance(rendered, timedelta):
        return rendered
    return _DURATION.validate_python(rendered)
