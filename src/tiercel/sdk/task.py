"""The two families of tasks: runnable (a worker runs them) and flowable (the executor
resolves them)."""

import builtins
import types
import typing
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, Generic

from pydantic import Field, PrivateAttr
from typing_extensions import TypeVar

from tiercel.model.labels import Label
from tiercel.model.state import State
from tiercel.model.task import AnyTask, Task
from tiercel.sdk.flowable import Branches, Plan, Scope
from tiercel.sdk.output import Output
from tiercel.sdk.run_context import Outcome, RunContext

OutputT = TypeVar("OutputT", default=Mapping[str, Any] | Outcome | None)
"""What ``run`` returns: an ``Output`` model, None for a task without outputs, an ``Outcome``
for another end state; untyped tasks return a plain mapping."""


class RunnableTask(Task, Generic[OutputT]):
    """A task whose work is done by a worker, away from the executor.

    ``RunnableTask[SizeOutput]`` declares the model ``run`` returns: it is checked when built,
    documented with the task (``output_model``), and stored under Kestra's camelCase names.
    ``RunnableTask[None]`` is a task without outputs (Kestra's ``VoidOutput``).
    """

    def run(self, ctx: RunContext) -> OutputT:
        """Do the task's work; return its outputs (or an ``Outcome``), raise to fail."""
        raise NotImplementedError(f"{self.type} cannot run in this version of Tiercel")

    @classmethod
    def output_model(cls) -> builtins.type[Output] | None:
        """The ``Output`` model named by ``RunnableTask[...]``, if the class declares one."""
        for base in cls.__mro__:
            metadata = getattr(base, "__pydantic_generic_metadata__", None)
            if metadata and metadata["origin"] is RunnableTask and metadata["args"]:
                return _output_class(metadata["args"][0])
        return None


def _output_class(declared: Any) -> type[Output] | None:
    """The ``Output`` subclass in a declared type (``MyOutput`` or ``MyOutput | Outcome``)."""
    if isinstance(declared, type) and issubclass(declared, Output) and declared is not Output:
        return declared
    if typing.get_origin(declared) in (typing.Union, types.UnionType):
        for member in typing.get_args(declared):
            found = _output_class(member)
            if found is not None:
                return found
    return None


class FlowableTask(Task):
    """A task that holds other tasks and decides which run; it has its own error branches.

    A flowable whose ``shares_working_directory`` is true gives every runnable task below it
    one directory; a worker calls its ``prepare`` before the first of them runs there, and its
    ``finish`` once they have all succeeded (to collect output files, say).
    """

    shares_working_directory: ClassVar[bool] = False

    errors: list[AnyTask] | None = None
    finally_: list[AnyTask] | None = Field(default=None, alias="finally")

    def plan(self, scope: Scope) -> Plan:
        """Decide which child runs to create now, or the final state once all have ended."""
        raise NotImplementedError(f"{self.type} cannot run in this version of Tiercel")

    def outputs(self, scope: Scope) -> dict[str, Any] | None:
        """The outputs of the flowable's own run, once it has ended."""
        return None

    def internal_tasks(self) -> list[Task]:
        """Tasks the flowable creates itself, not written in the flow (ForEachItem's split,
        items and merge steps); the executor knows them as its children."""
        return []

    def prepare(self, ctx: RunContext) -> None:
        """On a worker, fill the shared working directory before its first task runs."""

    def finish(self, ctx: RunContext) -> Mapping[str, Any] | None:
        """On a worker, once every task has succeeded: the flowable's outputs."""
        return None

    def branches(self, tasks: Sequence[Task]) -> Branches:
        """``tasks`` with this task's ``errors`` and ``finally``, disabled tasks left out."""
        return Branches(enabled(tasks), enabled(self.errors or []), enabled(self.finally_ or []))


def enabled(tasks: Sequence[Task]) -> list[Task]:
    """The tasks that are not ``disabled``: Kestra leaves those out of resolution."""
    return [task for task in tasks if not task.disabled]


@dataclass(frozen=True, slots=True)
class SubflowCall:
    """An execution of another flow that a task asks the executor to start."""

    namespace: str
    flow_id: str
    inputs: dict[str, Any] = field(default_factory=dict)
    labels: list[Label] = field(default_factory=list)
    revision: int | None = None
    wait: bool = True
    transmit_failed: bool = True
    inherit_labels: bool = False
    legacy_outputs: dict[str, Any] | None = None
    """Deprecated ``outputs``: expressions rendered against the child's task outputs."""


class SubflowTask(Task):
    """A task the executor carries out by starting an execution of another flow, or one per
    batch of items when ``batches`` gives them."""

    def batches(self, outputs: Mapping[str, Any]) -> list[str] | None:
        """The ``kestra://`` URIs of the batches to start one execution for, found in the
        execution's task ``outputs``; None for a single execution."""
        return None

    def subflow_call(self, render: Callable[[Any], Any]) -> SubflowCall:
        """The execution to start, with every property rendered through ``render``."""
        raise NotImplementedError(f"{self.type} cannot run in this version of Tiercel")


@dataclass(frozen=True, slots=True)
class ExecutionChange:
    """What an executor-side task does to its own execution."""

    labels: list[Label] | None = None
    """Labels to add, replacing those with the same key."""
    variables: dict[str, Any] | None = None
    """The execution's new ``vars`` set by the task (the whole map)."""
    end: State | None = None
    """End the execution in this state (``Exit``)."""
    resume: str | None = None
    """Resume this paused execution (``execution.Resume``), with ``resume_inputs``."""
    resume_inputs: dict[str, Any] | None = None


class ExecutionTask(Task):
    """A task the executor carries out itself, because it changes the execution's record
    (labels, variables, its end); Kestra calls these execution-updatable tasks."""

    def change(self, render: Callable[[Any], Any], variables: Mapping[str, Any]) -> ExecutionChange:
        """What the task does, its properties rendered through ``render``; ``variables`` are
        the execution's current ``vars``. Raise ``TaskFailure`` to fail the task."""
        raise NotImplementedError(f"{self.type} cannot run in this version of Tiercel")


class TemplateTask(FlowableTask):
    """A flowable whose children come from a stored template (Kestra's deprecated
    templates): before an execution runs, the executor finds the template named by
    ``template_key`` and gives its tasks to ``include``."""

    _included: tuple[list[Task], list[Task]] | None = PrivateAttr(default=None)

    def template_key(self) -> tuple[str, str]:
        """``(namespace, id)`` of the template."""
        raise NotImplementedError(f"{self.type} cannot run in this version of Tiercel")

    def include(self, tasks: Sequence[Task], errors: Sequence[Task]) -> None:
        """Attach the template's ``tasks`` and ``errors`` branch."""
        self._included = (list(tasks), list(errors))

    @property
    def included(self) -> tuple[list[Task], list[Task]] | None:
        """The template's tasks and errors branch, once included."""
        return self._included

    def internal_tasks(self) -> list[Task]:
        """The template's tasks are this task's children."""
        return [*self._included[0], *self._included[1]] if self._included else []
