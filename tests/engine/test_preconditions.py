"""Flow triggers and their windows: which upstream executions fire them, with a moving clock."""

from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from tests.engine.harness import load
from tiercel.engine.preconditions import (
    UpstreamExecution,
    advance_window,
    flow_trigger_fires,
    window_bounds,
)
from tiercel.model.execution import Attempt, Execution, RunState, TaskRun
from tiercel.model.labels import Label
from tiercel.plugins.core.condition.time_window import TimeWindow
from tiercel.plugins.core.trigger.flow import FlowTrigger
from tiercel.sdk import ConditionContext, State

NOW = datetime(2024, 5, 1, 15, 20, 30, 123456, tzinfo=UTC)
PARIS = ZoneInfo("Europe/Paris")


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def window(**properties: Any) -> TimeWindow:
    return TimeWindow.model_validate(properties)


@pytest.mark.parametrize(
    ("properties", "now", "start", "end"),
    [
        ({}, NOW, "2024-05-01T00:00Z", "2024-05-02T00:00Z"),
        ({"window": "PT10M"}, NOW, "2024-05-01T15:20Z", "2024-05-01T15:30Z"),
        ({"window": "PT1H"}, NOW, "2024-05-01T15:00Z", "2024-05-01T16:00Z"),
        (
            {"window": "PT6H", "windowAdvance": "PT3H"},
            NOW,
            "2024-05-01T15:00Z",
            "2024-05-01T21:00Z",
        ),
        (
            {"window": "PT6H", "windowAdvance": "PT3H"},
            utc("2024-05-01T02:00Z"),
            "2024-04-30T21:00Z",
            "2024-05-01T03:00Z",
        ),
        (
            {"windowAdvance": "PT6H"},
            utc("2024-05-01T03:00Z"),
            "2024-04-30T06:00Z",
            "2024-05-01T06:00Z",
        ),
        ({"windowAdvance": "PT6H"}, NOW, "2024-05-01T06:00Z", "2024-05-02T06:00Z"),
        # Days follow the window's zone, or that of `now`.
        ({"timezone": "Europe/Paris"}, NOW, "2024-04-30T22:00Z", "2024-05-01T22:00Z"),
        ({}, NOW.astimezone(PARIS), "2024-04-30T22:00Z", "2024-05-01T22:00Z"),
        ({"type": "SLIDING_WINDOW"}, NOW, "2024-05-01T15:20:30Z", "2024-05-02T15:20:30Z"),
        (
            {"type": "SLIDING_WINDOW", "window": "PT1H"},
            NOW,
            "2024-05-01T15:20:30Z",
            "2024-05-01T16:20:30Z",
        ),
        (
            {"type": "DAILY_TIME_WINDOW", "startTime": "06:00:00", "endTime": "09:00:00"},
            NOW,
            "2024-05-01T06:00Z",
            "2024-05-01T09:00Z",
        ),
        (
            {
                "type": "DAILY_TIME_WINDOW",
                "startTime": "06:00:00",
                "endTime": "09:00:00",
                "timezone": "Europe/Paris",
            },
            NOW,
            "2024-05-01T04:00Z",
            "2024-05-01T07:00Z",
        ),
        (
            {"type": "DAILY_TIME_DEADLINE", "deadline": "09:00:00"},
            NOW,
            "2024-05-01T00:00Z",
            "2024-05-01T09:00Z",
        ),
        (
            {"type": "DAILY_TIME_DEADLINE", "deadline": "09:00:00", "timezone": "+02:00"},
            utc("2024-05-01T23:00Z"),
            "2024-05-01T22:00Z",
            "2024-05-02T07:00Z",
        ),
    ],
)
def test_window_bounds(properties: dict[str, Any], now: datetime, start: str, end: str) -> None:
    assert window_bounds(window(**properties), now) == (utc(start), utc(end))


def test_window_bounds_needs_an_aware_now() -> None:
    with pytest.raises(ValueError, match="aware"):
        window_bounds(window(), datetime(2024, 5, 1))


# --- advance_window with a moving clock ----------------------------------------------------


class Upstream:
    """A context that names the upstream flow; conditions below look at ``flow_id``."""

    def __init__(self, flow_id: str, state: State = State.SUCCESS) -> None:
        self.state: State | None = state
        self.namespace = "company.team"
        self.flow_id = flow_id
        self.variables: dict[str, Any] = {}

    def render(self, value: Any) -> Any:
        return value


def of_flow(flow_id: str) -> Callable[[ConditionContext], bool]:
    return lambda context: context.flow_id == flow_id


AB = {"a": of_flow("a"), "b": of_flow("b")}


def run(
    spec: TimeWindow,
    events: list[tuple[str, str]],
    *,
    reset_on_success: bool = True,
) -> list[tuple[bool, dict[str, Any]]]:
    """Feed ``(moment, flow)`` events through one window; what each returned."""
    state: dict[str, Any] = {}
    seen = []
    for moment, flow_id in events:
        fired, state = advance_window(
            spec, AB, state, Upstream(flow_id), utc(moment), reset_on_success=reset_on_success
        )
        seen.append((fired, state))
    return seen


def test_a_window_fires_once_every_condition_is_met_then_starts_over() -> None:
    seen = run(
        window(),
        [
            ("2024-05-01T08:00Z", "a"),
            ("2024-05-01T09:00Z", "a"),
            ("2024-05-01T10:00Z", "b"),
            ("2024-05-01T11:00Z", "b"),
        ],
    )
    assert [fired for fired, _ in seen] == [False, False, True, False]
    assert seen[0][1] == {
        "start": "2024-05-01T00:00:00+00:00",
        "end": "2024-05-02T00:00:00+00:00",
        "results": {"a": True},
    }
    assert seen[2][1] == {}
    assert seen[3][1]["results"] == {"b": True}


def test_without_reset_each_later_execution_in_the_window_fires() -> None:
    events = [("2024-05-01T08:00Z", "a"), ("2024-05-01T10:00Z", "b"), ("2024-05-01T11:00Z", "c")]
    seen = run(window(), events, reset_on_success=False)
    assert [fired for fired, _ in seen] == [False, True, True]
    assert seen[-1][1]["results"] == {"a": True, "b": True}
    # The next day is a new window.
    fired, _ = advance_window(
        window(), AB, seen[-1][1], Upstream("c"), utc("2024-05-02T01:00Z"), reset_on_success=False
    )
    assert not fired


def test_conditions_met_in_different_windows_do_not_add_up() -> None:
    seen = run(window(window="PT1H"), [("2024-05-01T08:50Z", "a"), ("2024-05-01T09:10Z", "b")])
    assert [fired for fired, _ in seen] == [False, False]
    assert seen[1][1]["results"] == {"b": True}


def test_a_sliding_window_opens_with_the_first_condition_met() -> None:
    sliding = window(type="SLIDING_WINDOW", window="PT1H")
    seen = run(
        sliding,
        [("2024-05-01T08:00Z", "c"), ("2024-05-01T08:30Z", "a"), ("2024-05-01T09:20Z", "b")],
    )
    assert [fired for fired, _ in seen] == [False, False, True]
    assert seen[0][1] == {}
    late = run(sliding, [("2024-05-01T08:30Z", "a"), ("2024-05-01T09:40Z", "b")])
    assert [fired for fired, _ in late] == [False, False]


def test_executions_outside_a_daily_window_are_not_counted() -> None:
    daily = window(type="DAILY_TIME_WINDOW", startTime="06:00:00", endTime="09:00:00")
    seen = run(
        daily,
        [
            ("2024-05-01T05:00Z", "a"),
            ("2024-05-01T07:00Z", "b"),
            ("2024-05-01T09:30Z", "a"),
            ("2024-05-02T06:30Z", "a"),
        ],
    )
    assert [fired for fired, _ in seen] == [False, False, False, False]
    assert seen[0][1] == {}
    assert seen[1][1]["results"] == {"b": True}
    assert seen[2][1] == {}
    assert seen[3][1]["results"] == {"a": True}
    done = run(daily, [("2024-05-01T06:10Z", "a"), ("2024-05-01T08:59Z", "b")])
    assert done[-1][0]


def test_a_deadline_closes_the_day() -> None:
    deadline = window(type="DAILY_TIME_DEADLINE", deadline="09:00:00", timezone="Europe/Paris")
    met = run(deadline, [("2024-05-01T05:00Z", "a"), ("2024-05-01T06:59Z", "b")])
    assert met[-1][0]
    missed = run(deadline, [("2024-05-01T05:00Z", "a"), ("2024-05-01T07:01Z", "b")])
    assert [fired for fired, _ in missed] == [False, False]


def test_a_condition_that_raises_counts_as_unmet_and_is_reported() -> None:
    def broken(context: ConditionContext) -> bool:
        raise ValueError("no such output")

    warnings: list[str] = []
    fired, state = advance_window(
        window(), {"x": broken}, {}, Upstream("a"), NOW, warn=warnings.append
    )
    assert (fired, state) == (False, {})
    assert warnings == ["condition 'x' could not be evaluated: no such output"]


# --- the Flow trigger ----------------------------------------------------------------------


def trigger(yaml: str) -> FlowTrigger:
    flow = load(
        "id: downstream\nnamespace: company.team\n"
        "tasks:\n  - id: hello\n    type: io.kestra.plugin.core.log.Log\n    message: hi\n"
        "triggers:\n" + yaml
    )
    found = flow.triggers[0]
    assert isinstance(found, FlowTrigger)
    return found


def upstream(
    flow_id: str,
    state: State = State.SUCCESS,
    namespace: str = "io.kestra.tests.trigger",
    labels: dict[str, str] | None = None,
    outputs: dict[str, Any] | None = None,
    runs: tuple[TaskRun, ...] = (),
) -> UpstreamExecution:
    execution = Execution(
        id=f"{flow_id}-run",
        namespace=namespace,
        flowId=flow_id,
        state=RunState.start(State.CREATED, NOW).to(state, NOW),
        labels=tuple(Label(key=k, value=v) for k, v in (labels or {}).items()),
        outputs=outputs,
    )
    return UpstreamExecution.of(execution, runs)


def replay(
    spec: FlowTrigger, events: list[tuple[str, UpstreamExecution]]
) -> list[tuple[bool, dict[str, Any]]]:
    state: dict[str, Any] = {}
    seen = []
    for moment, context in events:
        fired, state = flow_trigger_fires(spec, context, state, utc(moment))
        seen.append((fired, state))
    return seen


LISTENER = """
  - id: listen-flow
    type: io.kestra.plugin.core.trigger.Flow
    conditions:
      - type: io.kestra.plugin.core.condition.ExecutionStatus
        in:
          - SUCCESS
      - type: io.kestra.plugin.core.condition.ExecutionFlow
        namespace: io.kestra.tests.trigger
        flowId: trigger-flow
"""


@pytest.mark.parametrize(
    ("context", "expected"),
    [
        (upstream("trigger-flow"), True),
        (upstream("trigger-flow", State.FAILED), False),
        (upstream("other"), False),
        # RUNNING is not among the default states, whatever the conditions say.
        (upstream("trigger-flow", State.RUNNING), False),
    ],
)
def test_a_flow_trigger_with_plain_conditions(context: UpstreamExecution, expected: bool) -> None:
    assert flow_trigger_fires(trigger(LISTENER), context, {}, NOW) == (expected, {})


def test_states_of_a_flow_trigger() -> None:
    spec = trigger(
        """
  - id: listen-flow
    type: io.kestra.plugin.core.trigger.Flow
    states: [RUNNING, PAUSED]
    conditions:
      - type: io.kestra.plugin.core.condition.ExecutionFlow
        namespace: io.kestra.tests.trigger
        flowId: trigger-flow
"""
    )
    assert flow_trigger_fires(spec, upstream("trigger-flow", State.RUNNING), {}, NOW)[0]
    assert not flow_trigger_fires(spec, upstream("trigger-flow", State.SUCCESS), {}, NOW)[0]


MULTIPLE = """
  - id: multiple-listen-flow
    type: io.kestra.plugin.core.trigger.Flow
    conditions:
      - id: multiple
        type: io.kestra.plugin.core.condition.MultipleCondition
        window: P1D
        windowAdvance: P0D
        conditions:
          success:
            type: io.kestra.plugin.core.condition.ExecutionStatus
            in:
              - SUCCESS
          flow-a:
            type: io.kestra.plugin.core.condition.ExecutionFlow
            namespace: io.kestra.tests.trigger
            flowId: trigger-multiplecondition-flow-a
          flow-b:
            type: io.kestra.plugin.core.condition.ExecutionFlow
            namespace: io.kestra.tests.trigger
            flowId: trigger-multiplecondition-flow-b
"""


def test_multiple_condition_fires_once_both_flows_succeeded() -> None:
    seen = replay(
        trigger(MULTIPLE),
        [
            ("2024-05-01T10:00Z", upstream("trigger-multiplecondition-flow-a")),
            ("2024-05-01T10:05Z", upstream("trigger-multiplecondition-flow-b")),
            ("2024-05-01T10:10Z", upstream("trigger-multiplecondition-flow-b")),
        ],
    )
    assert [fired for fired, _ in seen] == [False, True, False]
    assert seen[0][1]["windows"]["multiple"]["results"] == {"success": True, "flow-a": True}
    assert seen[1][1] == {}


FAILED = """
  - id: multiple-listen-flow
    type: io.kestra.plugin.core.trigger.Flow
    conditions:
      - type: io.kestra.plugin.core.condition.ExecutionStatus
        in:
          - SUCCESS
      - id: multiple
        type: io.kestra.plugin.core.condition.MultipleCondition
        window: P1D
        windowAdvance: P0D
        conditions:
          flow-a:
            type: io.kestra.plugin.core.condition.ExecutionFlow
            namespace: io.kestra.tests.trigger
            flowId: trigger-multiplecondition-flow-d
          flow-b:
            type: io.kestra.plugin.core.condition.ExecutionFlow
            namespace: io.kestra.tests.trigger
            flowId: trigger-multiplecondition-flow-c
"""


def test_a_failing_plain_condition_keeps_the_execution_out_of_the_window() -> None:
    seen = replay(
        trigger(FAILED),
        [
            ("2024-05-01T10:00Z", upstream("trigger-multiplecondition-flow-c", State.FAILED)),
            ("2024-05-01T10:05Z", upstream("trigger-multiplecondition-flow-d")),
            ("2024-05-01T10:10Z", upstream("trigger-multiplecondition-flow-c", State.FAILED)),
            ("2024-05-01T10:15Z", upstream("trigger-multiplecondition-flow-c")),
        ],
    )
    assert [fired for fired, _ in seen] == [False, False, False, True]
    assert seen[0][1] == {}
    assert seen[2][1]["windows"]["multiple"]["results"] == {"flow-a": True}


PRECONDITIONS = """
  - id: flow
    type: io.kestra.plugin.core.trigger.Flow
    preconditions:
      id: flow
      flows:
        - namespace: io.kestra.tests.trigger.preconditions
          flowId: flow-trigger-preconditions-flow-a
          states: [SUCCESS, WARNING, FAILED]
        - namespace: io.kestra.tests.trigger.preconditions
          flowId: flow-trigger-preconditions-flow-b
          states: [SUCCESS]
      where:
        - id: flow1
          filters:
            - field: NAMESPACE
              type: STARTS_WITH
              value: io.kestra.tests.trigger
            - field: FLOW_ID
              type: EQUAL_TO
              value: flow-trigger-preconditions-flow-a
            - field: EXPRESSION
              type: IS_TRUE
              value: "{{labels.some == 'label'}}"
        - id: flow2
          filters:
            - field: NAMESPACE
              type: ENDS_WITH
              value: trigger.preconditions
            - field: FLOW_ID
              type: EQUAL_TO
              value: flow-trigger-preconditions-flow-b
"""
PRE_NS = "io.kestra.tests.trigger.preconditions"


def test_preconditions_fire_after_flow_a_twice_then_flow_b() -> None:
    flow_a = upstream(
        "flow-trigger-preconditions-flow-a", namespace=PRE_NS, labels={"some": "label"}
    )
    flow_b = upstream("flow-trigger-preconditions-flow-b", namespace=PRE_NS)
    seen = replay(
        trigger(PRECONDITIONS),
        [
            ("2024-05-01T10:00Z", flow_a),
            ("2024-05-01T10:01Z", flow_a),
            ("2024-05-01T10:02Z", flow_b),
        ],
    )
    assert [fired for fired, _ in seen] == [False, False, True]
    assert seen[1][1]["windows"]["flow"]["results"] == {
        "condition_1": True,
        "condition_3_flow1": True,
    }
    assert seen[2][1] == {}


def test_preconditions_read_the_upstream_labels_and_states() -> None:
    unlabelled = upstream("flow-trigger-preconditions-flow-a", namespace=PRE_NS)
    failed_b = upstream("flow-trigger-preconditions-flow-b", State.FAILED, namespace=PRE_NS)
    seen = replay(
        trigger(PRECONDITIONS), [("2024-05-01T10:00Z", unlabelled), ("2024-05-01T10:01Z", failed_b)]
    )
    assert [fired for fired, _ in seen] == [False, False]
    assert seen[1][1]["windows"]["flow"]["results"] == {
        "condition_1": True,
        "condition_4_flow2": True,
    }


def test_closed_windows_are_dropped_from_the_state() -> None:
    spec = trigger(PRECONDITIONS)
    flow_a = upstream("flow-trigger-preconditions-flow-a", namespace=PRE_NS)
    _, state = flow_trigger_fires(spec, flow_a, {}, utc("2024-05-01T10:00Z"))
    assert state
    later = flow_trigger_fires(
        spec, upstream("other", State.RUNNING), state, utc("2024-05-02T10:00Z")
    )
    assert later == (False, {})


UPSTREAM_FLOWS = """
  - id: flow
    type: io.kestra.plugin.core.trigger.Flow
    preconditions:
      id: pre
      flows:
        - namespace: company
        - namespace: company.team
          flowId: a
          labels:
            env: prod
            attempt: 1
"""


@pytest.mark.parametrize(
    ("context", "expected"),
    [
        (upstream("x", namespace="company"), {"condition_1": True}),
        # The namespace is compared exactly, not as a prefix.
        (upstream("x", namespace="company.team"), None),
        (
            upstream("a", namespace="company.team", labels={"env": "prod", "attempt": "1"}),
            {"condition_2": True},
        ),
        (upstream("a", namespace="company.team", labels={"env": "prod"}), None),
    ],
)
def test_upstream_flow_preconditions(
    context: UpstreamExecution, expected: dict[str, bool] | None
) -> None:
    fired, state = flow_trigger_fires(trigger(UPSTREAM_FLOWS), context, {}, NOW)
    assert not fired
    assert (state["windows"]["pre"]["results"] if state else None) == expected


def _filter(field: str, kind: str, value: Any) -> str:
    key = "values" if kind in ("IN", "NOT_IN") else "value"
    return f"""
  - id: flow
    type: io.kestra.plugin.core.trigger.Flow
    preconditions:
      id: pre
      where:
        - id: f
          filters:
            - field: {field}
              type: {kind}
              {key}: {value!r}
"""


@pytest.mark.parametrize(
    ("field", "kind", "value", "expected"),
    [
        ("FLOW_ID", "EQUAL_TO", "a", True),
        ("FLOW_ID", "EQUAL_TO", "b", False),
        ("FLOW_ID", "NOT_EQUAL_TO", "b", True),
        ("STATE", "IN", ["SUCCESS", "WARNING"], True),
        ("STATE", "NOT_IN", ["SUCCESS"], False),
        ("NAMESPACE", "STARTS_WITH", "company", True),
        ("NAMESPACE", "ENDS_WITH", "company", False),
        ("NAMESPACE", "CONTAINS", "y.t", True),
        ("NAMESPACE", "REGEX", "company[.]te", False),
        ("NAMESPACE", "REGEX", "company[.].*", True),
        ("NAMESPACE", "IS_NOT_NULL", "x", True),
        ("NAMESPACE", "IS_NULL", "x", False),
        ("EXPRESSION", "IS_TRUE", "{{ execution.outputs.rows > 10 }}", True),
        ("EXPRESSION", "IS_FALSE", "{{ execution.outputs.rows > 10 }}", False),
        ("EXPRESSION", "IS_FALSE", "{{ labels.env == 'dev' }}", True),
    ],
)
def test_execution_filters(field: str, kind: str, value: Any, expected: bool) -> None:
    context = upstream("a", namespace="company.team", labels={"env": "prod"}, outputs={"rows": 12})
    fired, state = flow_trigger_fires(trigger(_filter(field, kind, value)), context, {}, NOW)
    assert (fired, state) == (expected, {})


def test_or_filters_need_one_match() -> None:
    spec = trigger(
        """
  - id: flow
    type: io.kestra.plugin.core.trigger.Flow
    preconditions:
      id: pre
      where:
        - id: any
          operand: OR
          filters:
            - {field: FLOW_ID, type: EQUAL_TO, value: x}
            - {field: FLOW_ID, type: EQUAL_TO, value: a}
"""
    )
    assert flow_trigger_fires(spec, upstream("a"), {}, NOW)[0]
    assert not flow_trigger_fires(spec, upstream("b"), {}, NOW)[0]


def test_an_upstream_execution_shows_what_conditions_read() -> None:
    retried = TaskRun(
        id="tr",
        executionId="x-run",
        namespace="company.team",
        flowId="x",
        taskId="t",
        state=RunState.start(State.CREATED, NOW).to(State.SUCCESS, NOW),
        attempts=(
            Attempt(state=RunState.start(State.CREATED, NOW).to(State.FAILED, NOW)),
            Attempt(state=RunState.start(State.CREATED, NOW).to(State.SUCCESS, NOW)),
        ),
    )
    spec = trigger(
        """
  - id: flow
    type: io.kestra.plugin.core.trigger.Flow
    conditions:
      - type: io.kestra.plugin.core.condition.ExecutionOutputs
        expression: "{{ trigger.outputs.answer == 42 }}"
      - type: io.kestra.plugin.core.condition.ExecutionLabels
        labels:
          team.name: data
      - type: io.kestra.plugin.core.condition.HasRetryAttempt
        in: [FAILED]
"""
    )
    context = upstream(
        "x",
        namespace="company.team",
        labels={"team.name": "data"},
        outputs={"answer": 42},
        runs=(retried,),
    )
    assert context.variables["labels"] == {"team": {"name": "data"}}
    assert flow_trigger_fires(spec, context, {}, NOW) == (True, {})
    assert not flow_trigger_fires(spec, upstream("x", outputs={"answer": 41}), {}, NOW)[0]


def test_window_time_fields_are_the_protocol_of_the_plugin_model() -> None:
    spec = window(type="DAILY_TIME_WINDOW", startTime="06:00:00", endTime="09:00:00")
    assert (spec.start_time, spec.end_time) == (time(6), time(9))
    assert window(window="PT1H").window == timedelta(hours=1)
