"""The conditions on an execution: its flow, namespace, state, labels, outputs and retries."""

from typing import Any

import pytest
from condition_support import Context, at, check, condition, execution

from tiercel.sdk import State

CORE = "io.kestra.plugin.core.condition."
NO_EXECUTION = Context(state=None, variables={"flow": {"namespace": "a", "id": "b"}})


@pytest.mark.parametrize(
    ("namespace", "flow_id", "expected"),
    [
        ("company.team", "upstream", True),
        ("company.team", "other", False),
        ("company", "upstream", False),
        ("{{ 'company' ~ '.team' }}", "upstream", True),
    ],
)
def test_execution_flow(namespace: str, flow_id: str, expected: bool) -> None:
    data = {"type": CORE + "ExecutionFlow", "namespace": namespace, "flowId": flow_id}
    assert check(data, Context()) is expected


@pytest.mark.parametrize(
    ("properties", "expected"),
    [
        ({"namespace": "company.team"}, True),
        ({"namespace": "company"}, False),
        ({"namespace": "company", "prefix": True}, True),
        ({"namespace": "company", "comparison": "PREFIX"}, True),
        ({"namespace": "team", "comparison": "SUFFIX"}, True),
        ({"namespace": "company", "comparison": "SUFFIX"}, False),
        # `comparison` wins over `prefix`.
        ({"namespace": "company", "comparison": "EQUALS", "prefix": True}, False),
        ({"namespace": "Company", "prefix": True}, False),
    ],
)
def test_execution_namespace(properties: dict[str, Any], expected: bool) -> None:
    assert check({"type": CORE + "ExecutionNamespace", **properties}, Context()) is expected


@pytest.mark.parametrize(
    ("properties", "state", "expected"),
    [
        ({"in": ["SUCCESS"]}, State.SUCCESS, True),
        ({"in": ["SUCCESS"]}, State.FAILED, False),
        ({"notIn": ["FAILED"]}, State.SUCCESS, True),
        ({"notIn": ["FAILED"]}, State.FAILED, False),
        ({"in": ["SUCCESS", "WARNING"], "notIn": ["WARNING"]}, State.WARNING, False),
    ],
)
def test_execution_status(properties: dict[str, Any], state: State, expected: bool) -> None:
    data = {"type": CORE + "ExecutionStatus", **properties}
    assert check(data, Context(state=state)) is expected


LABELS_AS_PAIRS = [{"key": "env", "value": "prod"}, {"key": "team.name", "value": "data"}]


@pytest.mark.parametrize(
    ("wanted", "labels", "expected"),
    [
        ({"env": "prod"}, LABELS_AS_PAIRS, True),
        (
            [{"key": "env", "value": "prod"}, {"key": "team.name", "value": "data"}],
            LABELS_AS_PAIRS,
            True,
        ),
        ({"env": "dev"}, LABELS_AS_PAIRS, False),
        ({"owner": "prod"}, LABELS_AS_PAIRS, False),
        ({"env": "prod"}, {"env": "prod"}, True),
        ({"team.name": "data"}, {"team": {"name": "data"}}, True),
        # A YAML number is the label's text.
        ({"attempt": 1}, [{"key": "attempt", "value": "1"}], True),
        ({"env": "prod"}, [], False),
    ],
)
def test_execution_labels(wanted: Any, labels: Any, expected: bool) -> None:
    data = {"type": CORE + "ExecutionLabels", "labels": wanted}
    assert check(data, execution(labels=labels)) is expected


def test_execution_labels_fall_back_on_the_labels_variable() -> None:
    context = Context(variables={"labels": {"team": {"name": "data"}}})
    assert check({"type": CORE + "ExecutionLabels", "labels": {"team.name": "data"}}, context)


@pytest.mark.parametrize(
    ("expression", "outputs", "expected"),
    [
        ("{{ trigger.outputs.flow_a_output == 'hello' }}", {"flow_a_output": "hello"}, True),
        ("{{ trigger.outputs.flow_a_output == 'hello' }}", {"flow_a_output": "bye"}, False),
        ("{{ true }}", {}, False),
        ("{{ trigger.outputs.flow_a_output }}", {"flow_a_output": "hello"}, False),
        (True, {"x": 1}, True),
    ],
)
def test_execution_outputs(expression: Any, outputs: dict[str, Any], expected: bool) -> None:
    data = {"type": CORE + "ExecutionOutputs", "expression": expression}
    assert check(data, execution(outputs=outputs)) is expected


def test_execution_outputs_needs_trigger_outputs_in_the_context() -> None:
    context = Context(variables={"execution": {"outputs": {"x": 1}}})
    with pytest.raises(ValueError, match=r"trigger\.outputs"):
        check({"type": CORE + "ExecutionOutputs", "expression": "{{ true }}"}, context)


def _runs(*attempts: list[str]) -> list[dict[str, Any]]:
    return [{"attempts": [{"state": {"current": s}} for s in states]} for states in attempts]


@pytest.mark.parametrize(
    ("properties", "runs", "expected"),
    [
        ({"in": ["KILLED"]}, _runs(["KILLED", "SUCCESS"]), True),
        ({"in": ["FAILED"]}, _runs(["KILLED", "SUCCESS"]), False),
        ({"in": ["KILLED"]}, _runs(["KILLED"]), False),
        ({}, _runs(["KILLED", "SUCCESS"]), False),
        ({"in": ["KILLED", "SUCCESS"], "notIn": ["KILLED"]}, _runs(["KILLED", "SUCCESS"]), True),
        ({"in": ["KILLED"], "notIn": ["KILLED"]}, _runs(["KILLED", "SUCCESS"]), False),
        ({"in": ["FAILED"]}, _runs(["SUCCESS"], ["FAILED", "FAILED", "SUCCESS"]), True),
        ({"in": ["FAILED"]}, [], False),
    ],
)
def test_has_retry_attempt(properties: dict[str, Any], runs: Any, expected: bool) -> None:
    data = {"type": CORE + "HasRetryAttempt", **properties}
    assert check(data, execution(taskRunList=runs)) is expected


@pytest.mark.parametrize(
    "data",
    [
        {"type": CORE + "ExecutionFlow", "namespace": "a", "flowId": "b"},
        {"type": CORE + "ExecutionNamespace", "namespace": "a"},
        {"type": CORE + "ExecutionStatus", "notIn": ["FAILED"]},
        {"type": CORE + "ExecutionLabels", "labels": {}},
        {"type": CORE + "ExecutionOutputs", "expression": "{{ true }}"},
        {"type": CORE + "HasRetryAttempt", "in": ["FAILED"]},
    ],
)
def test_conditions_on_an_execution_fail_without_one(data: dict[str, Any]) -> None:
    assert not check(data, NO_EXECUTION)


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"type": CORE + "FlowCondition", "namespace": "a", "flowId": "b"}, True),
        ({"type": CORE + "FlowCondition", "namespace": "a", "flowId": "c"}, False),
        ({"type": CORE + "FlowNamespaceCondition", "namespace": "a"}, True),
        ({"type": CORE + "FlowNamespaceCondition", "namespace": "a.b"}, False),
        ({"type": CORE + "FlowNamespaceCondition", "namespace": "c"}, False),
    ],
)
def test_flow_conditions_test_the_flow_of_the_context(data: dict[str, Any], expected: bool) -> None:
    assert check(data, NO_EXECUTION) is expected


def test_flow_namespace_condition_by_prefix_and_without_a_flow_variable() -> None:
    context = Context(namespace="company.team.sub")
    data = {"type": CORE + "FlowNamespaceCondition", "namespace": "company.team", "prefix": True}
    assert check(data, context)
    assert not check({**data, "prefix": False}, context)


@pytest.mark.parametrize(
    ("expression", "expected"),
    [("{{ trigger.date == '2024-01-01' }}", True), ("{{ 1 == 2 }}", False), ("0", False)],
)
def test_expression(expression: str, expected: bool) -> None:
    data = {"type": CORE + "Expression", "expression": expression}
    assert check(data, at("2024-01-01")) is expected


def test_not_and_or() -> None:
    weekend = {"type": CORE + "Weekend"}
    monday = {"type": CORE + "DayWeek", "dayOfWeek": "MONDAY"}
    either = {"type": CORE + "Or", "conditions": [weekend, monday]}
    neither = {"type": CORE + "Not", "conditions": [weekend, monday]}
    for date, expected in [("2024-02-24", True), ("2024-02-26", True), ("2024-02-27", False)]:
        assert check(either, at(date)) is expected
        assert check(neither, at(date)) is not expected


def test_multiple_condition_folds_its_legacy_window_into_time_window() -> None:
    parsed = condition(
        {
            "type": CORE + "MultipleCondition",
            "id": "multiple",
            "window": "P1D",
            "windowAdvance": "PT6H",
            "conditions": {"a": {"type": CORE + "ExecutionStatus", "in": ["SUCCESS"]}},
        }
    )
    window = parsed.time_window  # type: ignore[attr-defined]
    assert (window.window.days, window.window_advance.seconds) == (1, 6 * 3600)


def test_multiple_condition_cannot_be_tested_alone() -> None:
    data = {
        "type": "io.kestra.core.models.conditions.types.MultipleCondition",
        "id": "multiple",
        "conditions": {"a": {"type": CORE + "ExecutionStatus", "in": ["SUCCESS"]}},
    }
    with pytest.raises(NotImplementedError, match="only a Flow trigger"):
        check(data, Context())
