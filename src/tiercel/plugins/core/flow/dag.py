"""``io.kestra.plugin.core.flow.Dag``: run child tasks in the order their dependencies allow."""

from enum import StrEnum
from typing import Annotated

from pydantic import BeforeValidator, Field

from tiercel.sdk import (
    AnyTask,
    FlowableTask,
    KestraModel,
    NextRun,
    Plan,
    Property,
    Scope,
    State,
    Violation,
    plugin,
    rendered_int,
    run_branches,
)

NOT_EXISTING = "Not existing task id in dependency: "
CYCLIC = "Cyclic dependency detected: "


class OnChildFailure(StrEnum):
    """What a failing child does to its still-running siblings (Kestra 1.x)."""

    CONTINUE = "CONTINUE"
    CANCEL = "CANCEL"
    FAIL = "FAIL"


def _upper(value: object) -> object:
    # Kestra reads this enum ignoring case.
    if isinstance(value, str) and "{{" not in value and "{%" not in value:
        return value.upper()
    return value


class DagTask(KestraModel):
    """A task of a DAG and the ids of the tasks it waits for."""

    task: AnyTask = Field(description="The task.")
    depends_on: list[str] | None = Field(
        default=None, description="Ids of tasks of the same DAG that must succeed first."
    )


@plugin("io.kestra.plugin.core.flow.Dag", aliases=["io.kestra.core.tasks.flows.Dag"])
class Dag(FlowableTask):
    """Run tasks as a directed acyclic graph, each once its dependencies have succeeded."""

    tasks: Annotated[list[DagTask], Field(min_length=1)] = Field(
        description="The tasks, each with the ids it depends on."
    )
    concurrent: Property[int] = Field(
        default=0, description="How many tasks may run at once; 0 means no limit."
    )
    on_child_failure: Annotated[Property[OnChildFailure], BeforeValidator(_upper)] = Field(
        default=OnChildFailure.CONTINUE,
        description="What happens to running tasks when one fails (Kestra 1.x).",
    )

    def violations(self) -> list[Violation]:
        """Every dependency names a task of this DAG, and no task depends on itself."""
        found = super().violations()
        ids = [item.task.id for item in self.tasks]
        missing: list[str] = []
        first_missing: tuple[int, int] | None = None
        for index, item in enumerate(self.tasks):
            for position, dependency in enumerate(item.depends_on or []):
                if dependency not in ids:
                    missing.append(dependency)
                    first_missing = first_missing or (index, position)
        if first_missing is not None:
            index, position = first_missing
            found.append(
                Violation(
                    ("tasks", index, "dependsOn", position), NOT_EXISTING + ", ".join(missing)
                )
            )
            return found
        cyclic = self.cyclic_tasks()
        if cyclic:
            found.append(Violation(("tasks",), CYCLIC + ", ".join(cyclic)))
        return found

    def plan(self, scope: Scope) -> Plan:
        """Start every task whose dependencies have succeeded, ``concurrent`` at a time."""
        branches = self.branches([item.task for item in self.tasks])
        ids = branches.ids(branches.tasks)
        if scope.effective_states(ids) & {State.FAILED, State.KILLED}:
            return run_branches(scope, branches)  # no new task: errors, finally, end
        limit = rendered_int(scope, self.concurrent)
        room = limit - scope.count(ids, terminated=False) if limit else len(self.tasks)
        ready: list[NextRun] = []
        for item in self.tasks:
            if len(ready) >= room:
                break
            if item.task.disabled or scope.child(item.task.id) is not None:
                continue
            if all(_succeeded(scope, dependency) for dependency in item.depends_on or []):
                ready.append(NextRun(item.task))
        if ready or scope.count(ids) < len(branches.tasks):
            return Plan(ready)
        return run_branches(scope, branches)

    def cyclic_tasks(self) -> list[str]:
        """Ids of the tasks that can reach themselves through ``dependsOn``, in DAG order."""
        graph: dict[str, list[str]] = {}
        for item in self.tasks:
            graph.setdefault(item.task.id, item.depends_on or [])
        cyclic: list[str] = []
        for item in self.tasks:
            if item.depends_on is not None and _reaches(graph, item.task.id):
                cyclic.append(item.task.id)
        return cyclic


def _reaches(graph: dict[str, list[str]], start: str) -> bool:
    seen: set[str] = set()
    stack = [start]
    while stack:
        for dependency in graph.get(stack.pop(), []):
            if dependency == start:
                return True
            if dependency not in seen:
                seen.add(dependency)
                stack.append(dependency)
    return False


def _succeeded(scope: Scope, task_id: str) -> bool:
    run = scope.child(task_id)
    return run is not None and run.state.current in (State.SUCCESS, State.WARNING, State.SKIPPED)
