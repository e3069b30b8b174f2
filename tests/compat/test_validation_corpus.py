"""Kestra's own test flows: what Kestra accepts is accepted, what it rejects is rejected, for
the reason Kestra gives."""

import pytest

from tests.compat.corpus import Entry, entries
from tiercel.model import load_flows
from tiercel.registry import Registry

ACCEPTED = [e for e in entries() if e.valid is True and not e.needs_test_plugins]
REJECTED = [e for e in entries() if e.valid is False]

# For each rejected file: text that our problems must contain, taken from what Kestra's test
# asserts (catalog ``notes``); our messages put the path first and keep Kestra's wording.
REASONS: dict[str, list[str]] = {
    "dag-cyclicdependency.yaml": ["Cyclic dependency detected: task1, task2"],
    "dag-notexist-task.yaml": ["Not existing task id in dependency: taskX"],
    "duplicate-inputs.yaml": ["Duplicate input with name [first_input]"],
    "duplicate-key.yaml": ["Duplicate field 'variables.tf'"],
    "duplicate-parallel.yaml": ["Duplicate task id with name [t3]"],
    "duplicate.yaml": [
        "Duplicate task id with name [date, listen]",
        "Duplicate trigger id with name [trigger]",
    ],
    "empty.yaml": ["tasks: missing required property"],
    "inputs-bad-type.yaml": ["inputs[0].type: Invalid type: FOO"],
    "inputs-bad-validator-syntax.yaml": ["inputs[0].validator: invalid regular expression"],
    "inputs-validation.yaml": [
        "inputs[0]: no `defaults` can be set for inputs of type 'FILE'",
        "inputs[1].itemType: `itemType` cannot be `ARRAY`",
    ],
    "inputs.yaml": ["inputs[0]: missing type id property 'type'"],
    "invalid-parallel.yaml": [
        "id: must not be empty",
        "namespace: must not be empty",
        "tasks[0].tasks: missing required property",
        "tasks[1].tasks: must not be empty",
        "tasks[2].tasks: must not be empty",
    ],
    "invalid-property.yaml": ["tasks[0].invalid: Unrecognized field 'invalid'"],
    "invalid-task.yaml": [
        "Invalid type: unknown task type 'io.kestra.plugin.core.debug.MissingOne'",
        "Invalid type: unknown task type 'io.kestra.plugin.core.debug.MissingTwo'",
    ],
    "invalid.yaml": ["id: must match", "namespace: must match"],
    "listener.yaml": ["listeners[0].tasks: must not be empty", "listeners[1].tasks: must not"],
    "recursive-flow.yaml": [
        "Invalid Flow: Recursive call to flow [io.kestra.tests.recursive-flow]"
    ],
    "switch-invalid.yaml": ["No task defined, neither cases or default have any tasks"],
    "system-labels.yaml": [
        "offending label: system.label=system_key",
        "offending label: system.id=id",
    ],
    "worker-group.yaml": [
        "tasks[0].workerGroup: Worker Group is an Enterprise Edition functionality"
    ],
    "workingdirectory-invalid.yaml": [
        "Only runnable tasks are allowed as children of a WorkingDirectory task"
    ],
    "workingdirectory-no-tasks.yaml": ["The 'tasks' property cannot be empty"],
    "simpleInvalidFlow.yaml": ["Unrecognized field 'badProperties'"],
    "validateMultipleInvalidFlows.yaml": [
        "tasks[0].unknownProp: Unrecognized field 'unknownProp'",
        "Invalid type: unknown task type 'io.kestra.plugin.core.debug.UnknownTask'",
    ],
}


def _ids(entry: Entry) -> str:
    return entry.file.split("/resources/flows/", 1)[-1]


@pytest.mark.parametrize("entry", ACCEPTED, ids=_ids)
def test_flows_kestra_accepts_are_accepted(registry: Registry, entry: Entry) -> None:
    result = load_flows(entry.path.read_bytes(), entry.file, registry)
    assert result.ok, "\n".join(map(str, result.all_problems()))
    assert result.flows and all(loaded.flow is not None for loaded in result.flows)


@pytest.mark.parametrize("entry", REJECTED, ids=_ids)
def test_flows_kestra_rejects_are_rejected_for_its_reason(registry: Registry, entry: Entry) -> None:
    result = load_flows(entry.path.read_bytes(), entry.file, registry)
    found = "\n".join(map(str, result.all_problems()))
    assert not result.ok
    for reason in REASONS[entry.name]:
        assert reason in found, f"expected {reason!r} among:\n{found}"


def test_every_rejected_file_has_a_stated_reason() -> None:
    assert sorted(e.name for e in REJECTED) == sorted(REASONS)
