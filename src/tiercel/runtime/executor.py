"""The executor loop: applies each item of its inbox to its execution with the engine, stores
the step, then carries out the commands through its ports.

One loop for every mode: what differs is composed in (an inbox in memory or read from the
queue table, task runs dispatched to threads or to the job table), never overridden.
"""

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, assert_never

from tiercel.engine import Event, ExecutionView, Kill, RunTask, Start, Step, advance
from tiercel.engine.admission import Verdict
from tiercel.model.execution import Execution, ExecutionTrigger
from tiercel.model.flow import Flow
from tiercel.model.labels import Label
from tiercel.model.state import State
from tiercel.model.task import LogLevel
from tiercel.runtime.commands import Commands
from tiercel.runtime.creation import new_execution
from tiercel.runtime.held import Held
from tiercel.runtime.ids import new_id
from tiercel.runtime.logbook import Logbook
from tiercel.runtime.ports import Admit, Call, Create, Dispatcher, Inbox, Item, Retry
from tiercel.runtime.slots import Slots
from tiercel.runtime.subflows import Subflows
from tiercel.runtime.timers import Timers
from tiercel.storage.ports import Transition
from tiercel.storage.work import Job

Listener = Callable[[Execution], None]

POLL = 0.2
"""How often a serving loop with nothing to do looks at its stop switch, in seconds."""

GROUP = 256
"""The most items applied together, their steps stored in one transaction."""


_Created = tuple[Create, Execution]
"""A new execution to store with its group, and the request that made it."""

_Admitted = tuple[Execution, bool, bool]
"""A new execution admitted, whether it must be stored, and whether it starts now."""


@dataclass(frozen=True, slots=True)
class _Stepped:
    """An event applied to an execution, waiting for its step to be stored."""

    view: ExecutionView
    step: Step
    before: State
    labels: tuple[Label, ...]
    """The execution's labels before the step: the labels table is written only on a change."""
    after: Execution
    """The execution as this step left it: a later step of the same group may change it."""


class Executor:
    """Applies events to the executions it holds, on the one thread that runs its loop.

    Args:
        held: The executions in memory, and how flows are found.
        inbox: Where work comes from.
        dispatcher: Where task runs go.
        logbook: Where the executor's lines go.
        keep_ended: Whether ended executions stay held (``flow test`` reports on them all).
        on_end: Told of each end (on the loop's thread).
        on_change: Told of each other change of an execution's state.
    """

    def __init__(
        self,
        held: Held,
        inbox: Inbox,
        dispatcher: Dispatcher,
        logbook: Logbook,
        *,
        keep_ended: bool = True,
        on_end: Listener | None = None,
        on_change: Listener | None = None,
    ) -> None:
        self.services = held.services
        self.held = held
        self.inbox = inbox
        self.dispatcher = dispatcher
        self.logbook = logbook
        self.timers = Timers(inbox, self.services.clock)
        self.slots = Slots(held, _missing_flow_line(logbook))
        self.stepped_at = 0.0
        """When the loop last applied an item (monotonic seconds)."""
        self._keep_ended = keep_ended
        self._on_change = on_change
        self.subflows = Subflows(inbox, logbook, held.find_flow)
        self.commands = Commands(self, on_end)

    # --- creating ---------------------------------------------------------------------------

    def create(
        self,
        flow: Flow,
        given: dict[str, Any],
        labels: tuple[Label, ...] = (),
        *,
        parent: Execution | None = None,
        trigger: ExecutionTrigger | None = None,
        retry_of: Execution | None = None,
        schedule_date: datetime | None = None,
    ) -> Execution:
        """Create, store and admit an execution of ``flow`` (on the loop's thread).

        Raises:
            InputError: the inputs are refused; no execution was created.
        """
        execution = new_execution(
            self.services,
            flow,
            given,
            labels,
            parent=parent,
            trigger=trigger,
            retry_of=retry_of,
            schedule_date=schedule_date,
        )
        return self._admit(flow, execution, stored=False)

    def load(self, execution_id: str) -> ExecutionView | None:
        """The execution, held or loaded from the store; None when it is gone or its flow is
        not deployed (a line says so)."""
        return self.held.load(execution_id, self.slots.on_missing_flow)

    def admit_stored(self, execution_id: str) -> None:
        """Admit an execution another process stored (still CREATED)."""
        view = self.load(execution_id)
        if view is not None and view.execution.state.current is State.CREATED:
            self._admit(view.flow, view.execution, stored=True)

    def _admit(self, flow: Flow, execution: Execution, *, stored: bool) -> Execution:
        execution, store, start = self._admission(flow, execution, stored=stored)
        if store:
            self.services.executions.save(execution, ())
        self.logbook.flush()
        if start:
            self.inbox.put(execution.id, Start())
        return execution

    def _admission(self, flow: Flow, execution: Execution, *, stored: bool) -> _Admitted:
        """Apply the flow's concurrency to a new execution and hold it (or let it go): the
        execution admitted, whether it must be stored, and whether it starts now."""
        now = self.services.clock()
        if execution.schedule_date is not None and execution.schedule_date > now:
            self.held.hold(flow, execution, [])
            # Admitted when its time comes: the flow's concurrency applies then.
            self.timers.after(execution.schedule_date, execution.id, Admit())
            return execution, not stored, False
        admission = self.slots.admit(flow, execution, now)
        execution = admission.execution
        if admission.message is not None and admission.level is not None:
            self.logbook.executor_line(execution.id, None, admission.level, admission.message)
        store = not stored or admission.verdict is not Verdict.RUN
        if admission.verdict in (Verdict.RUN, Verdict.QUEUE) or self._keep_ended:
            self.held.hold(flow, execution, [])
        else:
            self.held.release(execution.id)
        return execution, store, admission.verdict is Verdict.RUN

    # --- the loop ---------------------------------------------------------------------------

    def run_until_settled(self, deadline: float | None) -> None:
        """Apply items until everything has settled; past ``deadline`` (monotonic seconds),
        kill what still runs, and give up 5 seconds later."""
        killed = False
        while not self.settled():
            wait = None if deadline is None else max(0.0, deadline - time.monotonic())
            got = self.inbox.get(wait)
            if got is not None:
                self.apply_all(_with_waiting(self.inbox, got))
                del got  # nothing of the item stays referenced while the loop waits
                continue
            if killed:
                return  # killed, yet something still does not end: give up
            killed = True
            deadline = time.monotonic() + 5
            for view in self.held:
                if not view.execution.state.current.is_terminated:
                    self.inbox.put(view.execution.id, Kill())
        self.logbook.flush()
        self.logbook.writer.sync()

    def serve(self, stop: Callable[[], bool], on_idle: Callable[[], None]) -> None:
        """Apply items until ``stop()`` says so; ``on_idle`` when none came for a while."""
        while not stop():
            got = self.inbox.get(POLL)
            if got is None:
                on_idle()
                continue
            self.apply_all(_with_waiting(self.inbox, got))
            del got
        self.logbook.flush()
        self.logbook.writer.sync()

    def settled(self) -> bool:
        """Whether no item waits, no task run or timer is out, and every execution has ended
        or is paused with nobody to resume it."""
        if not self.inbox.empty() or self.dispatcher.outstanding() or self.timers.pending():
            return False
        # The engine's timers wait only for executions that go on: one that ended changes
        # nothing when its task timeouts or SLA deadlines come.
        for execution_id in self.timers.engine_timed():
            view = self.held.get(execution_id)
            if view is not None and not view.execution.state.current.is_terminated:
                return False
        return all(
            v.execution.state.current.is_terminated or v.execution.state.current is State.PAUSED
            for v in self.held
        )

    def apply(self, execution_id: str, item: Item) -> None:
        """Apply one item: an event to its execution, or a call, retry or admission."""
        self.apply_all([(execution_id, item)])

    def apply_all(self, items: list[tuple[str, Item]]) -> None:
        """Apply items in order. The steps of consecutive events are stored in one transaction
        (a group commit), and only then are their commands carried out: a crash loses no
        decision, and many results arriving together cost one commit, not one each. New
        executions join the group: each is stored with its first step, in that same commit."""
        self.stepped_at = time.monotonic()
        steps: list[_Stepped] = []
        created: list[_Created] = []
        for execution_id, item in items:
            if isinstance(item, Call | Retry | Admit):
                self._commit(steps, created)  # what came before is stored and acted on first
                steps, created = [], []
                self._apply_other(execution_id, item)
                continue
            if isinstance(item, Create):
                execution, _, start = self._admission(item.flow, item.execution, stored=False)
                created.append((item, execution))
                if start:
                    self._step(execution.id, Start(), steps)
                continue
            self._step(execution_id, item, steps)
        self._commit(steps, created)

    def _step(self, execution_id: str, event: Event, steps: list["_Stepped"]) -> None:
        """Apply ``event`` to its execution; the step joins ``steps``, to be stored."""
        view = self.load(execution_id)
        if view is None:
            return  # a late report for an execution deleted meanwhile
        before = view.execution.state.current
        labels = view.execution.labels
        step = advance(view, event, self.services.clock(), new_id)
        for line in step.logs:
            run = view.runs.get(line.task_run_id) if line.task_run_id else None
            self.logbook.executor_line(execution_id, run, line.level, line.message)
        steps.append(_Stepped(view, step, before, labels, view.execution))

    def _apply_other(self, execution_id: str, item: Call | Retry | Admit) -> None:
        match item:
            case Call():
                item.run()
            case Retry():
                self.commands.retry(item.execution)
            case Admit():
                self.admit_stored(execution_id)
            case _:
                assert_never(item)

    def _commit(self, steps: list[_Stepped], created: Sequence[_Created] = ()) -> None:
        """Store the new executions and the steps in one transaction, then act on them."""
        if not steps and not created:
            return
        # Stored before anything is acted on, with the jobs the steps made for workers: a
        # crash here loses no decision, and no job can be lost or stored for an unsaved step.
        try:
            jobs = _staged_jobs(self.dispatcher, steps)
            self.services.executions.save_all(_transitions(created, steps), jobs)
        except BaseException as exc:
            self.dispatcher.unstage()
            for create, _ in created:
                create.answer(None, exc)  # its caller is not left waiting
            raise
        self.logbook.flush()
        for create, execution in created:
            create.answer(execution)
        for stepped in steps:
            self._carry_out_step(stepped)
        self.dispatcher.flush()

    def _carry_out_step(self, stepped: _Stepped) -> None:
        view, step, after = stepped.view, stepped.step, stepped.after
        jobs = _run_tasks(step)
        if jobs:
            self.dispatcher.dispatch(after, jobs)
        for command in step.commands:
            self.commands.carry_out(view, command)
        execution_id = after.id
        if after.state.current is not stepped.before and self._on_change is not None:
            self._on_change(after)  # each change once, in order, also within one group
        # Let go of an ended execution, also one reloaded for a late report (a killed task's
        # result); a subflow stays until its caller has heard of its end.
        ended = view.execution.state.current.is_terminated
        if ended and not self._keep_ended and not self.subflows.awaited(execution_id):
            self.held.release(execution_id)


def _with_waiting(inbox: Inbox, first: tuple[str, Item]) -> list[tuple[str, Item]]:
    """``first`` and the items waiting behind it, up to ``GROUP``."""
    items = [first]
    while len(items) < GROUP and (more := inbox.get(0)) is not None:
        items.append(more)
    return items


def _staged_jobs(dispatcher: Dispatcher, steps: Sequence[_Stepped]) -> list[Job]:
    """The jobs the steps made for workers, as the dispatcher stores them with the steps."""
    return [job for s in steps for job in dispatcher.stage(s.after, _run_tasks(s.step))]


def _transitions(created: Sequence[_Created], steps: Sequence[_Stepped]) -> list[Transition]:
    """What a group stores: its new executions first (a new one's own first step, later in
    the list, replaces it), then its steps."""
    # A new execution has no labels stored yet: they are inserted without a lookup.
    return [Transition(execution, [], [], new=True) for _, execution in created] + [
        Transition(
            s.after if s.step.execution_changed else None,
            list(s.step.changed.values()),
            list(s.step.removed),
            labels_changed=s.after.labels != s.labels,
        )
        for s in steps
    ]


def _run_tasks(step: Step) -> list[RunTask]:
    return [command for command in step.commands if isinstance(command, RunTask)]


def _missing_flow_line(logbook: Logbook) -> Callable[[str], None]:
    def missing(execution_id: str) -> None:
        message = "The execution's flow is not deployed"
        logbook.executor_line(execution_id, None, LogLevel.ERROR, message)

    return missing
