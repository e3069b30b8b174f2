"""The sdk's ``Scope``: what a flowable task (or the flow itself) sees while it is resolved."""

from collections.abc import Mapping
from datetime import datetime
from types import MappingProxyType
from typing import Any

from tiercel.engine.context import base_variables, task_variables
from tiercel.engine.view import ExecutionView
from tiercel.expr import evaluate, render_value
from tiercel.model.execution import TaskRun
from tiercel.model.state import State
from tiercel.model.task import Task


class ScopeError(Exception):
    """A flowable asked for something its scope cannot give."""


def _literal(value: Any) -> bool:
    """Whether rendering ``value`` would give it back unchanged, whatever the variables: a
    number, a boolean, None, or text without ``{``. Such a property (``concurrent: 0``) then
    costs no variables, which a flowable would otherwise build on every event."""
    if isinstance(value, str):
        return "{" not in value
    return not isinstance(value, Mapping | list | tuple)


class RunScope:
    """The scope of one flowable task run."""

    def __init__(self, view: ExecutionView, run: TaskRun, task: Task, now: datetime) -> None:
        self._view = view
        self._run = run
        self._task = task
        self.now = now
        self._memo: Mapping[str, Any] = MappingProxyType(run.memo or {})
        self._variables: dict[str, Any] | None = None

    @property
    def run(self) -> TaskRun:
        return self._run

    def child(
        self, task_id: str, value: str | None = None, iteration: int | None = None
    ) -> TaskRun | None:
        return self._view.child(self._run.id, task_id, value, iteration)

    def count(self, task_ids: frozenset[str], *, terminated: bool | None = None) -> int:
        return self._view.count(self._run.id, task_ids, terminated)

    def effective_states(self, task_ids: frozenset[str]) -> frozenset[State]:
        return self._view.effective_states(self._run.id, task_ids)

    def variables(self) -> dict[str, Any]:
        if self._variables is None:
            self._variables = self._view.revealed(task_variables(self._view, self._run, self._task))
        return self._variables

    def render(self, value: Any) -> Any:
        if _literal(value):
            return value
        return render_value(value, self.variables())

    def evaluate(self, expression: str) -> Any:
        return evaluate(expression, self.variables())

    def memo(self) -> Mapping[str, Any]:
        return self._memo

    def remember(self, memo: dict[str, Any]) -> None:
        """Take the notes a flowable's plan returned, for what it asks after planning."""
        self._memo = MappingProxyType(memo)


class RootScope:
    """The flow's own tasks, resolved like a Sequential with the flow's errors and finally."""

    def __init__(self, view: ExecutionView, now: datetime) -> None:
        self._view = view
        self.now = now

    @property
    def run(self) -> TaskRun:
        raise ScopeError("the flow itself has no task run")

    def child(
        self, task_id: str, value: str | None = None, iteration: int | None = None
    ) -> TaskRun | None:
        return self._view.child(None, task_id, value, iteration)

    def count(self, task_ids: frozenset[str], *, terminated: bool | None = None) -> int:
        return self._view.count(None, task_ids, terminated)

    def effective_states(self, task_ids: frozenset[str]) -> frozenset[State]:
        return self._view.effective_states(None, task_ids)

    def render(self, value: Any) -> Any:
        if _literal(value):
            return value
        return render_value(value, self._view.revealed(base_variables(self._view)))

    def evaluate(self, expression: str) -> Any:
        return evaluate(expression, self._view.revealed(base_variables(self._view)))

    def memo(self) -> Mapping[str, Any]:
        raise ScopeError("the flow itself keeps no notes")
