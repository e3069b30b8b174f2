"""The ``condition`` plugins: Kestra's examples validate with Kestra's defaults; missing required
properties, bad enum values and unknown properties are refused where they are."""

from datetime import UTC, datetime, time, timedelta, timezone

import pytest
from iotypes_support import load, refused_at

from tiercel.plugins.core.condition.day_week import DayOfWeek
from tiercel.plugins.core.condition.day_week_in_month import DayInMonth
from tiercel.plugins.core.condition.execution_namespace import Comparison
from tiercel.plugins.core.condition.time_window import TimeWindowType, is_zone_id
from tiercel.sdk import Label, State

C = "io.kestra.plugin.core.condition."


def test_expression_from_kestras_example() -> None:
    cond = load({"type": C + "Expression", "expression": "{{ kv('average_value') < 10 }}"})
    assert cond.expression == "{{ kv('average_value') < 10 }}"


def test_expression_under_its_legacy_names() -> None:
    old = load({"type": C + "ExpressionCondition", "expression": "{{ unknown is defined }}"})
    older = load(
        {"type": "io.kestra.core.models.conditions.types.VariableCondition", "expression": "x"}
    )
    assert type(old) is type(older) is type(load({"type": C + "Expression", "expression": "y"}))


def test_expression_is_required_and_not_empty() -> None:
    assert refused_at({"type": C + "Expression"}, "expression")
    assert refused_at({"type": C + "Expression", "expression": ""}, "expression")


def test_execution_outputs() -> None:
    cond = load(
        {
            "type": C + "ExecutionOutputs",
            "expression": "{{ trigger.outputs.flow_a_output == 'hello' }}",
        }
    )
    assert cond.expression == "{{ trigger.outputs.flow_a_output == 'hello' }}"
    assert load({"type": C + "ExecutionOutputs", "expression": True}).expression is True
    assert refused_at({"type": C + "ExecutionOutputs", "expression": "hello"}, "expression")
    assert refused_at({"type": C + "ExecutionOutputs"}, "expression")


def test_execution_flow() -> None:
    cond = load({"type": C + "ExecutionFlow", "flowId": "flow_a", "namespace": "company.team"})
    assert (cond.namespace, cond.flow_id) == ("company.team", "flow_a")
    assert refused_at({"type": C + "ExecutionFlow", "namespace": "company.team"}, "flowId")
    assert refused_at(
        {"type": C + "ExecutionFlow", "namespace": "a", "flowId": "b", "flow": "c"}, "flow"
    )


def test_execution_namespace() -> None:
    cond = load(
        {
            "type": C + "ExecutionNamespace",
            "namespace": "company.engineering",
            "comparison": "PREFIX",
        }
    )
    assert cond.comparison is Comparison.PREFIX
    assert cond.prefix is False
    plain = load({"type": C + "ExecutionNamespace", "namespace": "company"})
    assert plain.comparison is None
    assert refused_at(
        {"type": C + "ExecutionNamespace", "namespace": "a", "comparison": "CONTAINS"},
        "comparison",
    )
    assert refused_at({"type": C + "ExecutionNamespace"}, "namespace")


def test_execution_status_in_and_not_in() -> None:
    cond = load({"type": C + "ExecutionStatus", "in": ["FAILED", "KILLED"]})
    assert cond.in_ == [State.FAILED, State.KILLED]
    assert cond.not_in is None
    assert load({"type": C + "ExecutionStatus", "notIn": ["SUCCESS"]}).not_in == [State.SUCCESS]
    assert load({"type": C + "ExecutionStatus"}).in_ is None  # as in Kestra's listener tests
    assert refused_at({"type": C + "ExecutionStatus", "in": ["DONE"]}, "in")


def test_execution_labels_as_a_map_or_a_list() -> None:
    as_map = load({"type": C + "ExecutionLabels", "labels": {"owner": "john.doe", "env": "prod"}})
    assert as_map.labels == [Label(key="owner", value="john.doe"), Label(key="env", value="prod")]
    as_list = load({"type": C + "ExecutionLabels", "labels": [{"key": "env", "value": "prod"}]})
    assert as_list.labels == [Label(key="env", value="prod")]
    assert refused_at({"type": C + "ExecutionLabels"}, "labels")


def test_has_retry_attempt() -> None:
    cond = load({"type": C + "HasRetryAttempt", "in": ["FAILED"]})
    assert cond.in_ == [State.FAILED]
    assert refused_at({"type": C + "HasRetryAttempt", "in": ["NOPE"]}, "in")


def test_deprecated_flow_conditions() -> None:
    cond = load({"type": C + "FlowCondition", "namespace": "io.kestra.tests", "flowId": "f"})
    assert cond.flow_id == "f"
    assert refused_at({"type": C + "FlowCondition", "namespace": "io.kestra.tests"}, "flowId")
    ns = load(
        {"type": C + "FlowNamespaceCondition", "namespace": "io.kestra.tests", "prefix": True}
    )
    assert ns.prefix is True
    assert load({"type": C + "FlowNamespaceCondition", "namespace": "a"}).prefix is False
    assert refused_at({"type": C + "FlowNamespaceCondition", "prefix": True}, "namespace")


def test_day_week() -> None:
    cond = load({"type": C + "DayWeek", "dayOfWeek": "MONDAY"})
    assert cond.day_of_week is DayOfWeek.MONDAY
    assert cond.date == "{{ trigger.date }}"
    assert refused_at({"type": C + "DayWeek", "dayOfWeek": "MON"}, "dayOfWeek")
    assert refused_at({"type": C + "DayWeek"}, "dayOfWeek")


def test_day_week_in_month() -> None:
    cond = load(
        {
            "type": C + "DayWeekInMonth",
            "date": "{{ trigger.date }}",
            "dayOfWeek": "MONDAY",
            "dayInMonth": "FIRST",
        }
    )
    assert (cond.day_of_week, cond.day_in_month) == (DayOfWeek.MONDAY, DayInMonth.FIRST)
    assert refused_at(
        {"type": C + "DayWeekInMonth", "dayOfWeek": "MONDAY", "dayInMonth": "FIFTH"}, "dayInMonth"
    )
    assert refused_at({"type": C + "DayWeekInMonth", "dayOfWeek": "MONDAY"}, "dayInMonth")


def test_weekend() -> None:
    assert load({"type": C + "Weekend"}).date == "{{ trigger.date }}"
    assert refused_at({"type": C + "Weekend", "dayOfWeek": "SUNDAY"}, "dayOfWeek")


def test_public_holiday() -> None:
    cond = load({"type": C + "PublicHoliday", "country": "FR"})
    assert (cond.country, cond.sub_division, cond.date) == ("FR", None, "{{ trigger.date }}")
    assert load({"type": C + "PublicHoliday", "subDivision": "FR-75"}).sub_division == "FR-75"
    assert refused_at({"type": C + "PublicHoliday", "date": ""}, "date")


def test_date_time_between() -> None:
    cond = load(
        {
            "type": C + "DateTimeBetween",
            "date": "{{ trigger.date }}",
            "after": "2025-01-01T00:00:00Z",
            "before": "2025-12-31T23:59:59Z",
        }
    )
    assert cond.after == datetime(2025, 1, 1, tzinfo=UTC)
    assert cond.before == datetime(2025, 12, 31, 23, 59, 59, tzinfo=UTC)
    assert load({"type": C + "DateTimeBetween", "after": "{{ inputs.start }}"}).before is None
    assert refused_at({"type": C + "DateTimeBetween", "after": "next tuesday"}, "after")


def test_time_between() -> None:
    cond = load({"type": C + "TimeBetween", "after": "16:00:00+02:00", "before": "20:00:00+02:00"})
    plus_two = timezone(timedelta(hours=2))
    assert cond.after == time(16, tzinfo=plus_two)
    assert cond.before == time(20, tzinfo=plus_two)
    assert refused_at({"type": C + "TimeBetween", "after": "25:00:00+02:00"}, "after")


def test_not_and_or_hold_nested_conditions() -> None:
    inner = [
        {"type": C + "PublicHoliday", "country": "FR"},
        {"type": C + "Weekend"},
    ]
    for name in ("Not", "Or"):
        cond = load({"type": C + name, "conditions": inner})
        assert [type(c).__name__ for c in cond.conditions] == ["PublicHoliday", "Weekend"]
        assert refused_at({"type": C + name, "conditions": []}, "conditions")
        assert refused_at({"type": C + name}, "conditions")
        assert refused_at(
            {"type": C + name, "conditions": [{"type": C + "DayWeek", "dayOfWeek": "X"}]},
            "conditions",
            0,
        )


def test_nested_conditions_must_be_conditions() -> None:
    log = {"id": "l", "type": "io.kestra.plugin.core.log.Log", "message": "m"}
    assert any(
        "is a task, not a condition" in m
        for m in refused_at({"type": C + "Or", "conditions": [log]}, "conditions", 0)
    )


MULTIPLE = {
    "id": "multiple",
    "type": C + "MultipleCondition",
    "window": "P1D",
    "windowAdvance": "P0D",
    "conditions": {
        "flow-a": {"type": C + "ExecutionFlow", "namespace": "n", "flowId": "a"},
        "flow-b": {"type": C + "ExecutionFlow", "namespace": "n", "flowId": "b"},
    },
}


def test_multiple_condition_as_in_kestras_tests() -> None:
    cond = load(MULTIPLE)
    assert cond.id == "multiple"
    assert cond.window == timedelta(days=1)
    assert cond.window_advance == timedelta(0)
    assert list(cond.conditions) == ["flow-a", "flow-b"]
    assert cond.reset_on_success is True
    assert cond.time_window.type is TimeWindowType.DURATION_WINDOW


def test_multiple_condition_needs_an_id_and_conditions() -> None:
    without_id = {k: v for k, v in MULTIPLE.items() if k != "id"}
    assert refused_at(without_id, "id")
    assert refused_at({**MULTIPLE, "id": "-bad"}, "id")
    assert refused_at({**MULTIPLE, "conditions": {}}, "conditions")
    assert refused_at({**MULTIPLE, "conditions": {"a": {"type": C + "Nope"}}}, "conditions", "a")


@pytest.mark.parametrize(
    ("window", "message"),
    [
        (
            {"type": "DAILY_TIME_DEADLINE", "window": "PT1H", "deadline": "09:00:00"},
            "Time window of type `DAILY_TIME_DEADLINE` cannot have a window.",
        ),
        (
            {"type": "DAILY_TIME_DEADLINE"},
            "Time window of type `DAILY_TIME_DEADLINE` must have a deadline.",
        ),
        (
            {"type": "DAILY_TIME_WINDOW", "startTime": "06:00:00"},
            "Time window of type `DAILY_TIME_WINDOW` must have an end time.",
        ),
        (
            {"type": "DAILY_TIME_WINDOW", "deadline": "06:00:00"},
            "Time window of type `DAILY_TIME_WINDOW` cannot have a deadline.",
        ),
        (
            {"deadline": "06:00:00"},
            "Time window of type `DURATION_WINDOW` cannot have a deadline.",
        ),
        (
            {"type": "SLIDING_WINDOW", "windowAdvance": "PT1H"},
            "Time window of type `SLIDING_WINDOW` cannot have a window advance.",
        ),
        ({"window": "PT0S"}, "must be a positive duration"),
        ({"windowAdvance": "-PT1H"}, "must not be negative"),
        ({"timezone": "Mars/Olympus"}, "timezone 'Mars/Olympus' is not a valid time-zone ID"),
    ],
)
def test_time_window_rules(window: dict[str, str], message: str) -> None:
    messages = refused_at({**MULTIPLE, "timeWindow": window}, "timeWindow")
    assert any(message in m for m in messages), messages


@pytest.mark.parametrize(
    "window",
    [
        {"type": "DAILY_TIME_DEADLINE", "deadline": "09:00:00"},
        {"type": "DAILY_TIME_WINDOW", "startTime": "06:00:00", "endTime": "09:00:00"},
        {"type": "DURATION_WINDOW", "window": "PT6H", "windowAdvance": "PT3H"},
        {"type": "SLIDING_WINDOW", "window": "PT1H", "timezone": "Europe/Paris"},
    ],
)
def test_time_windows_that_fit_their_type(window: dict[str, str]) -> None:
    cond = load({**MULTIPLE, "timeWindow": window})
    assert cond.time_window.type.value == window["type"]


@pytest.mark.parametrize(
    ("zone", "valid"),
    [
        ("Europe/Paris", True),
        ("UTC", True),
        ("Z", True),
        ("+02:00", True),
        ("GMT+2", True),
        ("UTC-05:30", True),
        ("+19:00", False),
        ("Europe/Nowhere", False),
        ("PST", False),
        ("../etc/passwd", False),
    ],
)
def test_zone_ids_as_java_reads_them(zone: str, valid: bool) -> None:
    assert is_zone_id(zone) is valid
