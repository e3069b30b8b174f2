"""Loading flows: every problem reported at once, with file, line, column and path."""

from textwrap import dedent

import pytest

from tests.model.sample_plugins import Echo, Group, sample_registry
from tiercel.model import load_flows
from tiercel.model.input import ArrayInput, IntInput, StringInput

REGISTRY = sample_registry()


def load(text: str):
    return load_flows(dedent(text), "flows/f.yaml", REGISTRY)


def problems(text: str) -> list[str]:
    return [str(p) for p in load(text).all_problems()]


def test_a_valid_flow_loads_with_typed_tasks() -> None:
    result = load(
        """
        id: hello
        namespace: company.team
        labels: {team: data, tier: 1}
        tasks:
          - id: group
            type: test.group.Group
            tasks:
              - id: say
                type: legacy.Echo
                message: hi
                times: "{{ inputs.n }}"
        """
    )
    assert result.ok, result.all_problems()
    (flow,) = result.valid_flows()
    assert flow.uid == "company.team.hello"
    group = flow.tasks[0]
    assert isinstance(group, Group)
    assert isinstance(group.tasks[0], Echo)
    assert group.tasks[0].times == "{{ inputs.n }}"
    assert [(label.key, label.value) for label in flow.labels or []] == [
        ("team", "data"),
        ("tier", "1"),
    ]
    assert [path for path, _ in flow.all_tasks()] == [("tasks", 0), ("tasks", 0, "tasks", 0)]


def test_every_error_is_reported_with_its_place() -> None:
    found = problems(
        """
        id: etl
        namespace: company
        tasks:
          - id: first
            type: test.Echo
            message: hi
            mesage: typo
          - id: group
            type: test.group.Group
            tasks:
              - id: bad
                type: test.Ecoh
          - id: third
            type: test.Echo
            times: many
        """
    )
    assert found == [
        "flows/f.yaml:8:5: tasks[0].mesage: Unrecognized field 'mesage' — did you mean 'message'?",
        "flows/f.yaml:13:9: tasks[1].tasks[0].type: Invalid type: unknown task type "
        "'test.Ecoh' — did you mean 'test.Echo'?",
        "flows/f.yaml:14:5: tasks[2].message: missing required property",
        "flows/f.yaml:16:5: tasks[2].times: Input should be a valid integer, unable to parse "
        "string as an integer",
    ]


def test_wrong_kind_and_missing_type() -> None:
    found = problems(
        """
        id: f
        namespace: n
        tasks:
          - id: a
            type: test.Tick
          - id: b
        """
    )
    assert "tasks[0].type: Invalid type: test.Tick is a trigger, not a task" in found[0]
    assert "tasks[1]: missing type id property 'type'" in found[1]


def test_ids_and_namespaces_follow_kestra_patterns() -> None:
    found = problems(
        """
        id: my#flow
        namespace: MY$NAMESPACE
        tasks:
          - id: "bad id"
            type: test.Echo
            message: x
        """
    )
    assert found[0].startswith("flows/f.yaml:2:1: id: must match")
    assert found[1].startswith("flows/f.yaml:3:1: namespace: must match")
    assert found[2].startswith("flows/f.yaml:5:5: tasks[0].id: must match")


def test_tasks_must_not_be_empty() -> None:
    found = problems(
        """
        id: f
        namespace: n
        tasks: []
        errors:
          - id: g
            type: test.group.Group
            tasks: []
        """
    )
    assert found == [
        "flows/f.yaml:4:1: tasks: must not be empty",
        "flows/f.yaml:8:5: errors[0].tasks: must not be empty",
    ]


def test_flow_checks_run_once_types_are_right() -> None:
    found = problems(
        """
        id: f
        namespace: n
        tasks:
          - id: a
            type: test.Echo
            message: x
            workerGroup: {key: gpu}
          - id: self
            type: test.Call
            namespace: n
            flowId: f
          - id: picky
            type: test.Picky
            low: 3
            high: 1
        errors:
          - id: a
            type: test.Echo
            message: again
        triggers:
          - {id: t, type: test.Tick, every: PT1M}
          - {id: t, type: test.Tick, every: PT2M}
        """
    )
    assert found == [
        "flows/f.yaml:8:5: tasks[0].workerGroup: Worker Group is an Enterprise Edition "
        "functionality",
        "flows/f.yaml:9:5: tasks[1]: Invalid Flow: Recursive call to flow [n.f]",
        "flows/f.yaml:15:5: tasks[2].low: low must not exceed high",
        "flows/f.yaml:18:5: errors[0]: Duplicate task id with name [a]",
        "flows/f.yaml:23:5: triggers[1]: Duplicate trigger id with name [t]",
    ]


def test_plugin_defaults_fill_and_force_values() -> None:
    result = load(
        """
        id: f
        namespace: n
        pluginDefaults:
          - type: test.Echo
            values: {message: from-default, times: 2}
          - type: test
            forced: true
            values: {times: 9}
        taskDefaults:
          - type: legacy.Echo
            values: {message: legacy-default}
        tasks:
          - id: a
            type: test.Echo
          - id: b
            type: test.Echo
            message: own
            times: 4
          - id: c
            type: legacy.Echo
        """
    )
    assert result.ok, result.all_problems()
    a, b, c = result.valid_flows()[0].tasks
    assert isinstance(a, Echo) and isinstance(b, Echo) and isinstance(c, Echo)
    assert (a.message, a.times) == ("from-default", 9)
    assert (b.message, b.times) == ("own", 9)
    assert (c.message, c.times) == ("legacy-default", 1)


def test_inputs_of_every_shape() -> None:
    result = load(
        """
        id: f
        namespace: n
        inputs:
          - id: name
            type: STRING
            validator: "^[a-z]+$"
          - id: count
            type: INT
            min: 1
            defaults: 3
          - id: items
            type: ARRAY
            itemType: INT
        tasks:
          - {id: a, type: test.Echo, message: x}
        """
    )
    assert result.ok, result.all_problems()
    inputs = result.valid_flows()[0].inputs or []
    assert [type(i) for i in inputs] == [StringInput, IntInput, ArrayInput]
    assert inputs[0].required is True


@pytest.mark.parametrize(
    ("inputs", "expected"),
    [
        ("- {id: x, type: FOO}", "inputs[0].type: Invalid type: FOO"),
        ("- {id: x}", "inputs[0]: missing type id property 'type'"),
        ("- {id: x, type: STRING, validator: '['}", "inputs[0].validator: invalid regular"),
        ("- {id: x, type: FILE, defaults: y}", "no `defaults` can be set for inputs of type"),
        ("- {id: x, type: ARRAY, itemType: ARRAY}", "`itemType` cannot be `ARRAY`"),
        ("- {id: x, type: INT}\n  - {id: x, type: INT}", "Duplicate input with name [x]"),
    ],
)
def test_bad_inputs(inputs: str, expected: str) -> None:
    text = (
        f"id: f\nnamespace: n\ninputs:\n  {inputs}\n"
        "tasks:\n  - {id: a, type: test.Echo, message: x}\n"
    )
    found = [str(p) for p in load_flows(text, "f.yaml", REGISTRY).all_problems()]
    assert len(found) == 1 and expected in found[0], found


def test_several_flows_in_one_file() -> None:
    result = load(
        """
        id: one
        namespace: n
        tasks: [{id: a, type: test.Echo, message: x}]
        ---
        id: two
        namespace: n
        tasks: [{id: a, type: test.Echo}]
        """
    )
    assert [loaded.flow is not None for loaded in result.flows] == [True, False]
    assert [str(p) for p in result.all_problems()] == [
        "flows/f.yaml:8:9: tasks[0].message: missing required property"
    ]


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (b"", "flows/f.yaml:1:1: empty file: there is no flow in it"),
        (b"\x00\x01binary", "flows/f.yaml:1:1: this is a binary file, not YAML text"),
        (b"- just\n- a list\n", "flows/f.yaml:1:1: a flow must be a mapping"),
        (b"id: [\n", "flows/f.yaml:2:1: invalid YAML"),
        (b"a: 1\na: 2\n", "flows/f.yaml:2:1: a: Duplicate field 'a'"),
    ],
)
def test_unreadable_sources_give_one_clear_problem(source: bytes, expected: str) -> None:
    found = [str(p) for p in load_flows(source, "flows/f.yaml", REGISTRY).all_problems()]
    assert found and found[0].startswith(expected), found


def test_retry_policies() -> None:
    result = load(
        """
        id: f
        namespace: n
        retry: {type: exponential, interval: PT1S, maxInterval: PT1M, maxAttempt: 3}
        tasks:
          - id: a
            type: test.Echo
            message: x
            retry: {type: constant, interval: PT5S, maxAttempt: 2, warningOnRetry: true}
          - id: b
            type: test.Echo
            message: x
            retry: {type: random, minInterval: PT1S}
        """
    )
    assert [str(p) for p in result.all_problems()] == [
        "flows/f.yaml:13:5: tasks[1].retry.maxInterval: missing required property"
    ]


def test_legacy_names_and_deprecated_types_give_notices_not_errors() -> None:
    result = load(
        """
        id: f
        namespace: n
        tasks:
          - id: a
            type: legacy.Echo
            message: x
        """
    )
    assert result.ok
    (loaded,) = result.flows
    assert [str(n) for n in loaded.notices] == [
        "flows/f.yaml:6:5: tasks[0].type: legacy.Echo is replaced by test.Echo"
    ]


def test_system_labels_are_kestras_but_system_read_only() -> None:
    found = problems(
        """
        id: f
        namespace: n
        labels:
          system.secret: x
          system.readOnly: "true"
          team: data
        tasks:
          - {id: a, type: test.Echo, message: x}
        """
    )
    assert found == [
        "flows/f.yaml:4:1: labels: System labels can only be set by Kestra itself, "
        "offending label: system.secret=x."
    ]
