"""Run a flow through the pure engine with a fixed clock and a worker played by the test."""

import itertools
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from textwrap import dedent
from typing import Any

from tiercel.engine import (
    ExecutionEnded,
    ExecutionView,
    RunTask,
    SetTimer,
    Start,
    TaskResult,
    advance,
)
from tiercel.engine.events import Event
from tiercel.expr import render_value
from tiercel.model import Flow, State, load_flows
from tiercel.model.execution import Execution, ExecutionMetadata, RunState
from tiercel.registry import default_registry

T0 = datetime(2026, 1, 1, tzinfo=UTC)

Worker = Callable[[RunTask], tuple[State, dict[str, Any] | None]]


def load(text: str) -> Flow:
    result = load_flows(dedent(text), "flow.yaml", default_registry())
    assert result.ok, result.all_problems()
    return result.valid_flows()[0]


def core_worker(command: RunTask) -> tuple[State, dict[str, Any] | None]:
    """What the core runnable tasks do, enough to drive the engine."""
    task = command.task
    kind = task.type.rsplit(".", 1)[-1]
    if kind == "Fail":
        return State.FAILED, None
    if kind == "Return":
        rendered = render_value(getattr(task, "format", None), command.variables)
        return State.SUCCESS, {"value": rendered}
    return State.SUCCESS, None


class Run:
    """One execution driven to its end, keeping every step for assertions."""

    def __init__(self, flow: Flow, inputs: dict[str, Any] | None = None) -> None:
        execution = Execution.model_construct(
            id="exec1",
            namespace=flow.namespace,
            flow_id=flow.id,
            flow_revision=1,
            state=RunState.start(State.CREATED, T0),
            inputs=inputs or {},
            outputs=None,
            labels=(),
            variables=None,
            parent_id=None,
            original_id=None,
            trigger=None,
            metadata=ExecutionMetadata.model_construct(attempt_number=1),
            schedule_date=None,
            deleted=False,
        )
        self.view = ExecutionView(flow, execution)
        self.ids = (f"tr{n}" for n in itertools.count(1))
        self.clock = (T0 + timedelta(milliseconds=n) for n in itertools.count(1))
        self.queue: list[RunTask] = []
        self.started: list[str] = []  # task ids, in the order they were sent to the worker
        self.timers: list[SetTimer] = []
        self.timer_sent_at: list[datetime] = []
        self.ended = False

    def send(self, event: Event) -> None:
        now = next(self.clock)
        step = advance(self.view, event, now, lambda: next(self.ids))
        for command in step.commands:
            if isinstance(command, SetTimer):
                self.timers.append(command)
                self.timer_sent_at.append(now)
            if isinstance(command, RunTask):
                self.queue.append(command)
                self.started.append(command.run.task_id)
            elif isinstance(command, ExecutionEnded):
                self.ended = True

    def start(self) -> "Run":
        self.send(Start())
        return self

    def until_end(self, worker: Worker = core_worker, *, lifo: bool = False) -> "Run":
        self.start()
        return self.drain(worker, lifo=lifo)

    def drain(self, worker: Worker = core_worker, *, lifo: bool = False) -> "Run":
        while self.queue:
            command = self.queue.pop() if lifo else self.queue.pop(0)
            state, outputs = worker(command)
            self.send(TaskResult(command.run.id, state, outputs))
        return self

    @property
    def state(self) -> State:
        return self.view.execution.state.current

    def runs(self, task_id: str) -> list[Any]:
        return [r for r in self.view.task_runs() if r.task_id == task_id]

    def states(self) -> list[tuple[str, str | None, str]]:
        return [(r.task_id, r.value, r.state.current.value) for r in self.view.task_runs()]
