"""Kestra's own test flows: every task of these groups in a file Kestra accepts validates, and
the files Kestra rejects for a rule of these types are rejected with Kestra's message."""

import json
from functools import cache
from typing import Any

import pytest
import yaml
from flowtasks_support import log, task, walk_typed
from tests.conftest import require_kestra_compat

from tiercel.plugins.core import debug, execution, flow, output, templating
from tiercel.plugins.core import log as log_group
from tiercel.registry import default_registry
from tiercel.sdk import Task

CORPUS = require_kestra_compat()
FLOWS = CORPUS / "flows"
INVALIDS = FLOWS / "core/src/test/resources/flows/invalids"

# Failures that come from outside these groups, each with the reason; strict, so a fix shows.
ELSEWHERE: dict[str, str] = {}


@cache
def mine() -> frozenset[str]:
    registry = default_registry()
    groups = [flow, log_group, debug, output, templating, execution]
    return frozenset(
        name for group in groups for cls in group.PLUGINS for name in registry.info(cls).names
    )


def _stand_in(value: Any) -> Any:
    """Replace tasks of other groups (or Kestra's Java-only test tasks) with a runnable Log, so
    that the test judges only the types of these groups."""
    if isinstance(value, list):
        return [_stand_in(item) for item in value]
    if isinstance(value, dict):
        kind = value.get("type")
        if isinstance(kind, str) and "id" in value and kind not in mine():
            return log(str(value["id"]))
        return {key: _stand_in(item) for key, item in value.items()}
    return value


def _cases() -> list[Any]:
    catalog = json.loads((CORPUS / "catalog.json").read_text())
    cases = []
    for entry in catalog:
        if entry["valid"] is not True:
            continue
        documents = list(yaml.safe_load_all((FLOWS / entry["file"]).read_text()))
        tasks = [
            (index, path, data)
            for index, document in enumerate(documents)
            for path, data in walk_typed(document)
            if data["type"] in mine() and "id" in data
        ]
        if not tasks:
            continue
        marks = []
        if entry["file"] in ELSEWHERE:
            marks.append(pytest.mark.xfail(reason=ELSEWHERE[entry["file"]], strict=True))
        cases.append(pytest.param(tasks, id=entry["file"].rsplit("/flows/", 1)[-1], marks=marks))
    return cases


@pytest.mark.parametrize("tasks", _cases())
def test_tasks_of_files_kestra_accepts_validate(
    tasks: list[tuple[int, tuple[Any, ...], dict[str, Any]]],
) -> None:
    for _, path, data in tasks:
        validated = task(_stand_in(data))
        assert validated.violations() == [], path


def test_the_corpus_exercises_most_types() -> None:
    used = {data["type"] for param in _cases() for _, _, data in param.values[0]}
    assert len(used) >= 20


def _first_task(name: str) -> Task:
    document = yaml.safe_load((INVALIDS / name).read_text())
    return task(document["tasks"][0])


def _messages(validated: Task) -> list[tuple[tuple[Any, ...], str]]:
    return [(violation.path, violation.message) for violation in validated.violations()]


def test_dag_with_unknown_dependency() -> None:
    assert _messages(_first_task("dag-notexist-task.yaml")) == [
        (("tasks", 1, "dependsOn", 0), "Not existing task id in dependency: taskX")
    ]


def test_dag_with_cycle() -> None:
    assert _messages(_first_task("dag-cyclicdependency.yaml")) == [
        (("tasks",), "Cyclic dependency detected: task1, task2")
    ]


def test_switch_without_any_task() -> None:
    assert _messages(_first_task("switch-invalid.yaml")) == [
        ((), "No task defined, neither cases or default have any tasks")
    ]


def test_working_directory_with_a_flowable_child() -> None:
    assert _messages(_first_task("workingdirectory-invalid.yaml")) == [
        (("tasks", 1), "Only runnable tasks are allowed as children of a WorkingDirectory task")
    ]


def test_working_directory_without_tasks() -> None:
    assert _messages(_first_task("workingdirectory-no-tasks.yaml")) == [
        (("tasks",), "The 'tasks' property cannot be empty")
    ]


def test_recursive_subflow_names_its_own_flow() -> None:
    document = yaml.safe_load((INVALIDS / "recursive-flow.yaml").read_text())
    called = task(document["tasks"][0]).called_flow()
    assert called == (document["namespace"], document["id"])
