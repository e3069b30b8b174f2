"""The ``trigger`` plugins (and the Toggle task): Kestra's examples validate with Kestra's
defaults, and each rule Kestra checks in a validator is reported by ``violations()``."""

from datetime import UTC, datetime, timedelta

import pytest
from iotypes_support import errors, load, refused_at, rules

from tiercel.model import load_flows
from tiercel.plugins.core.condition.time_window import TimeWindowType
from tiercel.plugins.core.trigger.flow import (
    DEFAULT_STATES,
    Operand,
    PreconditionFilterField,
    PreconditionFilterType,
)
from tiercel.plugins.core.trigger.schedule import RecoverMissedSchedules
from tiercel.plugins.core.trigger.webhook import FetchType
from tiercel.registry import default_registry
from tiercel.sdk import State

T = "io.kestra.plugin.core.trigger."
C = "io.kestra.plugin.core.condition."


# Schedule


def test_schedule_from_kestras_example() -> None:
    trigger = load(
        {
            "id": "stop_after_failed",
            "type": T + "Schedule",
            "cron": "0 9 * * *",
            "stopAfter": ["FAILED"],
        }
    )
    assert trigger.cron == "0 9 * * *"
    assert trigger.stop_after == [State.FAILED]
    assert trigger.with_seconds is False
    assert trigger.timezone is None
    assert trigger.recover_missed_schedules is None
    assert rules(trigger) == []


def test_schedule_with_everything_it_declares() -> None:
    trigger = load(
        {
            "id": "schedule",
            "type": "io.kestra.core.models.triggers.types.Schedule",
            "cron": "*/30 * * * * *",
            "withSeconds": True,
            "timezone": "Europe/Paris",
            "inputs": {"name": "{{ trigger.date }}", "count": 3},
            "lateMaximumDelay": "PT1H",
            "recoverMissedSchedules": "LAST",
            "conditions": [{"type": C + "DayWeek", "dayOfWeek": "MONDAY"}],
            "scheduleConditions": [{"type": C + "Weekend"}],
            "backfill": {"start": "2020-01-01T00:00:00+02:00"},
            "labels": {"team": "data"},
            "disabled": True,
        }
    )
    assert trigger.late_maximum_delay == timedelta(hours=1)
    assert trigger.recover_missed_schedules is RecoverMissedSchedules.LAST
    assert trigger.inputs == {"name": "{{ trigger.date }}", "count": 3}
    assert rules(trigger) == []


def test_schedule_needs_a_cron_and_refuses_unknown_values() -> None:
    assert refused_at({"id": "s", "type": T + "Schedule"}, "cron")
    bad_recover = {
        "id": "s",
        "type": T + "Schedule",
        "cron": "@daily",
        "recoverMissedSchedules": "SOME",
    }
    assert refused_at(bad_recover, "recoverMissedSchedules")
    assert refused_at(
        {"id": "s", "type": T + "Schedule", "cron": "@daily", "interval": "PT1M"}, "interval"
    )


@pytest.mark.parametrize(
    ("cron", "with_seconds", "message"),
    [
        ("* * * *", False, "invalid cron expression '* * * *': expected 5 fields, got 4"),
        ("0 * * * * *", False, "expected 5 fields, got 6"),
        ("* * * * *", True, "expected 6 fields (withSeconds is true), got 5"),
        ("60 * * * *", False, "minutes value 60 is out of range 0-59"),
        ("@every_minute", False, "unknown nickname '@every_minute'"),
        ("0 11 ? * MON", False, "invalid value '?' in day of month field '?'"),
    ],
)
def test_schedule_refuses_a_malformed_cron(cron: str, with_seconds: bool, message: str) -> None:
    trigger = load({"id": "s", "type": T + "Schedule", "cron": cron, "withSeconds": with_seconds})
    found = rules(trigger)
    assert len(found) == 1
    assert found[0][0] == ("cron",)
    assert message in found[0][1]
    assert f"'{cron}'" in found[0][1]


def test_schedule_refuses_an_unknown_timezone() -> None:
    trigger = load({"id": "s", "type": T + "Schedule", "cron": "@hourly", "timezone": "Paris"})
    assert rules(trigger) == [
        (("timezone",), "timezone 'Paris' is not a valid time-zone ID"),
    ]


def test_a_malformed_cron_is_reported_at_its_line_in_the_flow() -> None:
    source = """
id: f
namespace: company.team
tasks:
  - id: log
    type: io.kestra.plugin.core.log.Log
    message: hi
triggers:
  - id: schedule
    type: io.kestra.plugin.core.trigger.Schedule
    cron: "0 25 * * *"
"""
    result = load_flows(source, "f.yaml", default_registry())
    problems = [str(p) for p in result.all_problems()]
    assert problems == [
        "f.yaml:11:5: triggers[0].cron: invalid cron expression '0 25 * * *': "
        "hours value 25 is out of range 0-23"
    ]


# ScheduleOnDates


def test_schedule_on_dates() -> None:
    trigger = load(
        {
            "id": "dates",
            "type": T + "ScheduleOnDates",
            "dates": ["2025-01-01T08:00:00Z", "2025-06-01T08:00:00Z"],
            "timezone": "Europe/Paris",
            "recoverMissedSchedules": "NONE",
        }
    )
    assert trigger.dates[0] == datetime(2025, 1, 1, 8, tzinfo=UTC)
    assert trigger.recover_missed_schedules is RecoverMissedSchedules.NONE
    assert load({"id": "d", "type": T + "ScheduleOnDates", "dates": "{{ vars.dates }}"})
    assert refused_at({"id": "d", "type": T + "ScheduleOnDates"}, "dates")
    assert refused_at({"id": "d", "type": T + "ScheduleOnDates", "dates": ["someday"]}, "dates")


# Flow


PRECONDITIONS = {
    "id": "flow",
    "type": T + "Flow",
    "preconditions": {
        "id": "flow",
        "flows": [
            {"namespace": "io.kestra.tests", "flowId": "flow-a", "states": ["SUCCESS", "FAILED"]},
            {"namespace": "io.kestra.tests", "flowId": "flow-b", "labels": {"type": "x"}},
        ],
        "where": [
            {
                "id": "flow1",
                "filters": [
                    {"field": "NAMESPACE", "type": "STARTS_WITH", "value": "io.kestra.tests"},
                    {"field": "EXPRESSION", "type": "IS_TRUE", "value": "{{ labels.a == 'b' }}"},
                    {"field": "STATE", "type": "IN", "values": ["SUCCESS", "WARNING"]},
                ],
            }
        ],
    },
}


def test_flow_trigger_with_preconditions() -> None:
    trigger = load(PRECONDITIONS)
    pre = trigger.preconditions
    assert pre.id == "flow"
    assert pre.reset_on_success is True
    assert pre.time_window.type is TimeWindowType.DURATION_WINDOW
    assert pre.flows[0].states == [State.SUCCESS, State.FAILED]
    assert pre.flows[1].flow_id == "flow-b"
    where = pre.where[0]
    assert where.operand is Operand.AND
    assert where.filters[0].field is PreconditionFilterField.NAMESPACE
    assert where.filters[2].type is PreconditionFilterType.IN
    assert trigger.states == list(DEFAULT_STATES)
    assert rules(trigger) == []


def test_flow_trigger_reacts_to_terminal_states_and_paused_by_default() -> None:
    assert set(DEFAULT_STATES) == {
        State.FAILED,
        State.WARNING,
        State.SUCCESS,
        State.KILLED,
        State.CANCELLED,
        State.RETRIED,
        State.SKIPPED,
        State.PAUSED,
    }


def test_flow_trigger_with_a_daily_deadline_from_kestras_example() -> None:
    trigger = load(
        {
            "id": "flow_trigger",
            "type": T + "Flow",
            "preconditions": {
                "id": "bronze_layer",
                "timeWindow": {"type": "DAILY_TIME_DEADLINE", "deadline": "09:00:00"},
                "flows": [{"namespace": "company.team", "flowId": "bronze_layer"}],
            },
        }
    )
    assert trigger.preconditions.time_window.deadline.hour == 9


def test_flow_trigger_with_conditions_and_inputs() -> None:
    trigger = load(
        {
            "id": "listen",
            "type": "io.kestra.core.models.triggers.types.Flow",
            "inputs": {"from-parent": "{{ outputs.only.value }}"},
            "states": ["RUNNING", "PAUSED"],
            "conditions": [{"type": C + "ExecutionStatus", "in": ["SUCCESS"]}],
        }
    )
    assert trigger.states == [State.RUNNING, State.PAUSED]
    assert rules(trigger) == []


def test_flow_trigger_needs_a_condition() -> None:
    trigger = load({"id": "alert", "type": T + "Flow", "states": ["FAILED"]})
    assert rules(trigger) == [((), "one condition must be set")]


@pytest.mark.parametrize(
    ("flt", "message"),
    [
        ({"field": "FLOW_ID", "type": "EQUAL_TO"}, "`value` cannot be null for type EQUAL_TO"),
        ({"field": "STATE", "type": "IN"}, "`values` cannot be null for type IN"),
        ({"field": "STATE", "type": "IN", "value": "x"}, "`value` must be null for type IN"),
        (
            {"field": "FLOW_ID", "type": "IS_NULL", "value": "x", "values": ["y"]},
            "`values` must be null for type IS_NULL",
        ),
    ],
)
def test_precondition_filters_take_value_or_values(flt: dict[str, str], message: str) -> None:
    data = {
        "id": "f",
        "type": T + "Flow",
        "preconditions": {"id": "p", "where": [{"id": "w", "filters": [flt]}]},
    }
    messages = refused_at(data, "preconditions", "where", 0, "filters", 0)
    assert any(message in m for m in messages), messages


def test_preconditions_refuse_bad_shapes() -> None:
    base = {"id": "f", "type": T + "Flow"}
    assert refused_at({**base, "preconditions": {"flows": []}}, "preconditions", "id")
    assert refused_at(
        {**base, "preconditions": {"id": "p", "flows": [{"flowId": "a"}]}},
        "preconditions",
        "flows",
        0,
        "namespace",
    )
    assert refused_at(
        {**base, "preconditions": {"id": "p", "where": [{"id": "w", "filters": []}]}},
        "preconditions",
        "where",
        0,
        "filters",
    )
    assert refused_at(
        {
            **base,
            "preconditions": {
                "id": "p",
                "where": [
                    {
                        "id": "w",
                        "operand": "XOR",
                        "filters": [{"field": "STATE", "type": "EQUAL_TO", "value": "SUCCESS"}],
                    }
                ],
            },
        },
        "preconditions",
        "where",
        0,
        "operand",
    )
    assert refused_at(
        {**base, "preconditions": {"id": "p", "timeWindow": {"type": "DAILY_TIME_WINDOW"}}},
        "preconditions",
        "timeWindow",
    )


# Webhook


def test_webhook_from_kestras_example() -> None:
    trigger = load({"id": "webhook", "type": T + "Webhook", "key": "4wjtkzwVGBM9yKnjm3yv8r"})
    assert trigger.key == "4wjtkzwVGBM9yKnjm3yv8r"
    assert trigger.fetch_type is FetchType.FETCH
    assert (trigger.wait, trigger.return_outputs) == (False, False)
    assert trigger.response_content_type is None
    assert rules(trigger) == []


def test_webhook_waiting_for_outputs() -> None:
    trigger = load(
        {
            "id": "webhook",
            "type": "io.kestra.core.models.triggers.types.Webhook",
            "key": "{{ secret('WEBHOOK_KEY') }}",
            "wait": True,
            "returnOutputs": True,
            "responseContentType": "text/plain",
            "responseCode": 202,
            "fetchType": "STORE",
            "inputs": {"a": 1},
        }
    )
    assert trigger.response_code == 202
    assert trigger.fetch_type is FetchType.STORE
    assert rules(trigger) == []


def test_webhook_key_is_required_and_short() -> None:
    assert refused_at({"id": "w", "type": T + "Webhook"}, "key")
    assert refused_at({"id": "w", "type": T + "Webhook", "key": ""}, "key")
    assert refused_at({"id": "w", "type": T + "Webhook", "key": "k" * 257}, "key")
    assert load({"id": "w", "type": T + "Webhook", "key": "k" * 256})
    blank = load({"id": "w", "type": T + "Webhook", "key": "   "})
    assert rules(blank) == [(("key",), "must not be blank")]
    assert refused_at(
        {"id": "w", "type": T + "Webhook", "key": "k", "fetchType": "ALL"}, "fetchType"
    )


def test_webhook_refuses_multiple_conditions_and_other_content_types() -> None:
    multiple = {
        "id": "m",
        "type": C + "MultipleCondition",
        "conditions": {"a": {"type": C + "ExecutionStatus", "in": ["SUCCESS"]}},
    }
    trigger = load(
        {
            "id": "w",
            "type": T + "Webhook",
            "key": "k",
            "conditions": [{"type": C + "Weekend"}, multiple],
            "responseContentType": "text/html",
        }
    )
    assert rules(trigger) == [
        (
            ("conditions", 1),
            "invalid webhook: conditions of type MultipleCondition are not supported",
        ),
        (
            ("responseContentType",),
            "invalid webhook: responseContentType must be either 'application/json' or "
            "'text/plain'",
        ),
    ]


# Toggle


def test_toggle_is_a_task_with_kestras_defaults() -> None:
    task = load(
        {
            "id": "disable",
            "type": "io.kestra.core.tasks.trigger.Toggle",
            "trigger": "schedule",
            "enabled": True,
        }
    )
    assert (task.trigger, task.enabled, task.namespace, task.flow_id) == (
        "schedule",
        True,
        None,
        None,
    )
    assert load({"id": "t", "type": T + "Toggle", "trigger": "s"}).enabled is False
    assert refused_at({"id": "t", "type": T + "Toggle"}, "trigger")
    assert refused_at(
        {"id": "t", "type": T + "Toggle", "trigger": "s", "enabled": "yes please"}, "enabled"
    )


def test_toggle_cannot_be_used_as_a_trigger() -> None:
    source = """
id: f
namespace: company.team
tasks:
  - id: log
    type: io.kestra.plugin.core.log.Log
    message: hi
triggers:
  - id: toggle
    type: io.kestra.plugin.core.trigger.Toggle
    trigger: t
"""
    problems = [str(p) for p in load_flows(source, "f.yaml", default_registry()).all_problems()]
    assert len(problems) == 1
    assert "is a task, not a trigger" in problems[0]


def test_triggers_keep_the_common_trigger_properties() -> None:
    assert errors({"id": "-x", "type": T + "Webhook", "key": "k"})[0][0] == ("id",)
