"""Flow triggers: whether an ended upstream execution starts the trigger's flow.

A Flow trigger (``io.kestra.plugin.core.trigger.Flow``) fires when an execution of another
flow reaches one of its ``states`` and passes its ``conditions``. Its ``preconditions`` (and the
deprecated ``MultipleCondition``) add memory: several conditions, each met by some execution,
all within one time window. That memory is a small JSON document per trigger, which the
scheduler stores and hands back on the next call; nothing here reads a clock or does I/O.

The trigger, its preconditions and their time window are read through the SDK's protocols
(``tiercel.sdk.listening``), not through plugin classes: a third party's trigger that fits
them is evaluated like Kestra's Flow trigger.

The state of one window, as stored::

    {"start": "2024-05-01T00:00:00+00:00", "end": "2024-05-02T00:00:00+00:00",
     "results": {"condition_1": true}}

and of a whole trigger: ``{"windows": {<precondition id>: <window state>}}`` (``{}`` when
nothing is pending).
"""

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from functools import partial
from typing import Any

from tiercel.engine.context import nest_label
from tiercel.expr import render_value
from tiercel.expr.dates import zone
from tiercel.model.execution import Execution, TaskRun, format_instant
from tiercel.model.state import State
from tiercel.model.task import Condition, ConditionContext
from tiercel.sdk import is_truthy
from tiercel.sdk.listening import (
    ExecutionFilterSpec,
    ExecutionListeningTrigger,
    FilterSpec,
    MultipleConditionSpec,
    PreconditionsSpec,
    UpstreamFlowSpec,
    WindowSpec,
)

Test = Callable[[ConditionContext], bool]
"""One named condition of a window: a condition's ``test`` or a precondition of a trigger."""

Warn = Callable[[str], None]
"""Where to report a condition that could not be evaluated (it counts as not met)."""

_DAY = timedelta(days=1)


# --- the window -------------------------------------------------------------------------------


def window_bounds(window: WindowSpec, now: datetime) -> tuple[datetime, datetime]:
    """The window that a condition met at ``now`` would open, as ``(start, end)`` in UTC; a
    moment is inside when ``start <= moment < end``.

    - ``DURATION_WINDOW``: windows of ``window`` (a day by default) laid end to end from
      midnight shifted by ``windowAdvance``; the one holding ``now``.
    - ``SLIDING_WINDOW``: ``window`` (a day by default) from ``now`` on.
    - ``DAILY_TIME_WINDOW``: ``startTime`` to ``endTime`` of the day of ``now``.
    - ``DAILY_TIME_DEADLINE``: midnight to ``deadline`` of the day of ``now``.

    Days and daily times are read in ``timezone``, or in the zone of ``now`` when it is unset
    (Kestra uses the server's zone: pass ``now`` in it).

    Raises:
        ValueError: ``now`` is naive, or a daily window lacks its times.
    """
    now = _aware(now).replace(microsecond=0)
    region = zone(window.timezone) if window.timezone else now.tzinfo
    assert region is not None
    local = now.astimezone(region)
    kind = str(window.type)
    if kind == "SLIDING_WINDOW":
        return _utc(now), _utc(now) + (window.window or _DAY)
    if kind == "DAILY_TIME_WINDOW":
        if window.start_time is None or window.end_time is None:
            raise ValueError("a DAILY_TIME_WINDOW needs a startTime and an endTime")
        day = local.date()
        return _at(day, window.start_time, region), _at(day, window.end_time, region)
    if kind == "DAILY_TIME_DEADLINE":
        if window.deadline is None:
            raise ValueError("a DAILY_TIME_DEADLINE needs a deadline")
        day = local.date()
        return _at(day, time(0), region), _at(day, window.deadline, region)
    return _duration_window(window, local)


def _duration_window(window: WindowSpec, local: datetime) -> tuple[datetime, datetime]:
    length = window.window or _DAY
    # The windows lie end to end from midnight (of the day of `now`, in the window's zone)
    # shifted by `windowAdvance`, as the docs describe them: PT6H windows with a PT3H advance
    # are 03:00-09:00, 09:00-15:00... Kestra's code gets the same windows for a day, an hour
    # and the divisors of an hour; for other lengths it starts at the current hour (and with
    # an advance may open a window that starts after `now`, dropping the execution).
    midnight = datetime.combine(local.date(), time(0), local.tzinfo)
    anchor = _utc(midnight) + (window.window_advance or timedelta(0))
    now = _utc(local)
    start = anchor + ((now - anchor) // length) * length
    return start, start + length


def advance_window(
    window: WindowSpec,
    conditions: Mapping[str, Test | Condition],
    state: Mapping[str, Any],
    context: ConditionContext,
    now: datetime,
    *,
    reset_on_success: bool = True,
    warn: Warn | None = None,
) -> tuple[bool, dict[str, Any]]:
    """Test one execution against a window of named conditions.

    A stored window still open at ``now`` is kept; otherwise a new one opens
    (``window_bounds``), unless ``now`` falls outside it (before a daily start time, after a
    deadline): then the execution is not counted at all. The names of the conditions the
    execution meets are added to the window's results; the others keep what earlier
    executions met.

    Args:
        window: The time window.
        conditions: The conditions, by name (the names are stored).
        state: The window's stored JSON (``{}`` when there is none).
        context: The upstream execution.
        now: The current moment (aware).
        reset_on_success: Drop the window once every condition has been met, so they must all
            be met again to fire again; when false, each later execution inside the window
            fires.
        warn: Told about a condition that raised; it counts as not met, as in Kestra.

    Returns:
        Whether every condition has now been met within the window, and the window's new JSON
        state (``{}`` when nothing needs keeping).
    """
    now = _utc(_aware(now))
    stored = _open_window(state, now)
    if stored is not None:
        start, end, results = stored
    else:
        start, end = window_bounds(window, now)
        if not start <= now < end:
            return False, {}
        results = {}
    for name, condition in conditions.items():
        if _passes(condition, context, name, warn):
            results[name] = True
    results = {name: True for name in conditions if results.get(name)}
    done = len(results) == len(conditions)
    # Kestra stores no window that nothing has met yet, so a sliding window opens with the
    # first execution that meets a condition.
    if (done and reset_on_success) or not results:
        return done, {}
    return done, {"start": start.isoformat(), "end": end.isoformat(), "results": results}


def _open_window(
    state: Mapping[str, Any], now: datetime
) -> tuple[datetime, datetime, dict[str, bool]] | None:
    try:
        start = _utc(_aware(datetime.fromisoformat(state["start"])))
        end = _utc(_aware(datetime.fromisoformat(state["end"])))
    except (KeyError, TypeError, ValueError):
        return None
    if not start <= now < end:
        return None
    results = state.get("results")
    met = {str(k): True for k, v in results.items() if v} if isinstance(results, Mapping) else {}
    return start, end, met


# --- the Flow trigger -------------------------------------------------------------------------


def flow_trigger_fires(
    trigger: ExecutionListeningTrigger,
    context: ConditionContext,
    state: Mapping[str, Any],
    now: datetime,
    *,
    warn: Warn | None = None,
) -> tuple[bool, dict[str, Any]]:
    """Decide whether a Flow trigger fires for an upstream execution that changed state.

    In Kestra's order: the execution's state must be one of the trigger's ``states``; then
    every plain condition must pass (when one fails, no window is touched); then each
    ``MultipleCondition`` of ``conditions`` and the ``preconditions`` count the execution in
    their windows (``advance_window``), and the trigger fires when all of them are complete.
    Windows that have closed by ``now`` are dropped from the state.

    The scheduler calls this for every Flow trigger of every other flow, once per state change
    of an execution, with the JSON it stored for the trigger (``{}`` the first time), and
    stores the JSON returned. Keeping a flow from triggering itself is the scheduler's part,
    as is rendering ``inputs`` once the trigger fires.

    Args:
        trigger: The Flow trigger.
        context: The upstream execution; ``UpstreamExecution.of`` builds one.
        state: The trigger's stored JSON.
        now: The current moment (aware, in the server's zone).
        warn: Told about a condition that raised; it counts as not met, as in Kestra.

    Returns:
        Whether to start an execution of the trigger's flow, and the trigger's new JSON state.
    """
    now = _utc(_aware(now))
    windows = {
        str(key): dict(value)
        for key, value in (state.get("windows") or {}).items()
        if isinstance(value, Mapping) and _open_window(value, now) is not None
    }
    if context.state is None or context.state not in trigger.states:
        return False, _pack(windows)
    conditions = list(trigger.conditions or ())
    plain = [c for c in conditions if not isinstance(c, MultipleConditionSpec)]
    if not all(_passes(c, context, type(c).__name__, warn) for c in plain):
        return False, _pack(windows)
    fires = True
    for key, spec, tests in _windowed(trigger):
        met, window = advance_window(
            spec.time_window,
            tests,
            windows.get(key, {}),
            context,
            now,
            reset_on_success=spec.reset_on_success,
            warn=warn,
        )
        if window:
            windows[key] = window
        else:
            windows.pop(key, None)
        fires = fires and met
    return fires, _pack(windows)


def _windowed(
    trigger: ExecutionListeningTrigger,
) -> list[tuple[str, MultipleConditionSpec | PreconditionsSpec, Mapping[str, Test | Condition]]]:
    found: list[
        tuple[str, MultipleConditionSpec | PreconditionsSpec, Mapping[str, Test | Condition]]
    ] = [
        (c.id, c, dict(c.conditions))
        for c in trigger.conditions or ()
        if isinstance(c, MultipleConditionSpec)
    ]
    if trigger.preconditions is not None:
        spec = trigger.preconditions
        found.append((spec.id, spec, precondition_tests(spec)))
    return found


def _pack(windows: dict[str, dict[str, Any]]) -> dict[str, Any]:
    return {"windows": windows} if windows else {}


def precondition_tests(preconditions: PreconditionsSpec) -> dict[str, Test]:
    """The named conditions of a trigger's ``preconditions``, named as Kestra stores them:
    ``condition_<n>`` for each of ``flows``, then ``condition_<n>_<id>`` for each of ``where``,
    ``n`` counting from 1 across both."""
    tests: dict[str, Test] = {}
    count = 0
    for upstream in preconditions.flows or ():
        count += 1
        tests[f"condition_{count}"] = partial(_upstream_flow_matches, upstream)
    for execution_filter in preconditions.where or ():
        count += 1
        tests[f"condition_{count}_{execution_filter.id}"] = partial(
            _filter_matches, execution_filter
        )
    return tests


def _upstream_flow_matches(upstream: UpstreamFlowSpec, context: ConditionContext) -> bool:
    if context.state is None:
        return False
    if context.namespace != context.render(upstream.namespace):
        return False
    if upstream.flow_id is not None and context.flow_id != context.render(upstream.flow_id):
        return False
    if upstream.states is not None and context.state not in upstream.states:
        return False
    if upstream.labels:
        found = execution_labels(context)
        return all((key, _java_str(value)) in found for key, value in upstream.labels.items())
    return True


def _filter_matches(execution_filter: ExecutionFilterSpec, context: ConditionContext) -> bool:
    if context.state is None:
        return False
    outcomes = (_filter_passes(f, context) for f in execution_filter.filters)
    return any(outcomes) if str(execution_filter.operand) == "OR" else all(outcomes)


def _filter_passes(test: FilterSpec, context: ConditionContext) -> bool:
    kind, expected, values = str(test.type), test.value, test.values or ()
    actual = _field_value(test, context)
    if kind == "EQUAL_TO":
        return expected == actual
    if kind == "NOT_EQUAL_TO":
        return expected != actual
    if kind == "IN":
        return actual in values
    if kind == "NOT_IN":
        return actual not in values
    if kind == "IS_TRUE":
        return is_truthy(actual)
    if kind == "IS_FALSE":
        return not is_truthy(actual)
    if kind == "IS_NULL":
        return actual is None
    if kind == "IS_NOT_NULL":
        return actual is not None
    if actual is None or expected is None:
        return False
    if kind == "STARTS_WITH":
        return actual.startswith(expected)
    if kind == "ENDS_WITH":
        return actual.endswith(expected)
    if kind == "CONTAINS":
        return expected in actual
    if kind == "REGEX":
        # Java's String.matches: the whole text must match.
        return re.fullmatch(expected, actual) is not None
    raise ValueError(f"unknown filter type {kind}")


def _field_value(test: FilterSpec, context: ConditionContext) -> str | None:
    field_name = str(test.field)
    if field_name == "FLOW_ID":
        return context.flow_id
    if field_name == "NAMESPACE":
        return context.namespace
    if field_name == "STATE":
        return context.state.value if context.state is not None else None
    if field_name == "EXPRESSION":
        if test.value is None:
            return None
        rendered = context.render(test.value)
        return rendered if isinstance(rendered, str) else _java_str(rendered)
    raise ValueError(f"unknown filter field {field_name}")


def _passes(
    condition: Test | Condition, context: ConditionContext, name: str, warn: Warn | None
) -> bool:
    check = condition.test if isinstance(condition, Condition) else condition
    try:
        return bool(check(context))
    except Exception as exc:  # Kestra counts any condition that fails as unmet, and logs it
        if warn is not None:
            warn(f"condition '{name}' could not be evaluated: {exc}")
        return False


# --- the upstream execution -------------------------------------------------------------------


@dataclass(frozen=True)
class UpstreamExecution:
    """A ``ConditionContext`` for an execution whose state changed (what Flow triggers and
    flow listeners test), or, with no state, for a call that has no execution yet (a
    webhook's)."""

    state: State | None
    namespace: str
    flow_id: str
    variables: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def of(
        cls,
        execution: Execution,
        task_runs: Sequence[TaskRun] = (),
        base: Mapping[str, Any] | None = None,
    ) -> "UpstreamExecution":
        """The context of ``execution``, its variables made by ``upstream_variables``."""
        return cls(
            execution.state.current,
            execution.namespace,
            execution.flow_id,
            upstream_variables(execution, task_runs, base),
        )

    def render(self, value: Any) -> Any:
        """Render a property with ``variables``."""
        return render_value(value, self.variables)


def upstream_variables(
    execution: Execution,
    task_runs: Sequence[TaskRun] = (),
    base: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The variables conditions see for an execution: ``base`` (the flow's ``flow``, ``envs``,
    ``globals``...) with the execution as Kestra's JSON shows it under ``execution``
    (``labels`` as ``{key, value}`` pairs, flow ``outputs``, ``taskRunList`` with attempts),
    its labels nested on dots under ``labels``, and its outputs as ``trigger.outputs`` (which
    ``ExecutionOutputs`` reads). Without a ``flow`` in ``base``, ``flow`` names the
    execution's flow.
    """
    variables = dict(base or {})
    outputs = dict(execution.outputs or {})
    known = variables.get("execution")
    variables["execution"] = {
        **(known if isinstance(known, Mapping) else {}),
        "id": execution.id,
        "namespace": execution.namespace,
        "flowId": execution.flow_id,
        "flowRevision": execution.flow_revision,
        "state": execution.state.current.value,
        "startDate": format_instant(execution.state.start_date),
        "originalId": execution.original_id or execution.id,
        "labels": [{"key": label.key, "value": label.value} for label in execution.labels],
        "outputs": outputs,
        "taskRunList": [run.to_kestra_json() for run in task_runs],
    }
    nested: dict[str, Any] = {}
    for label in execution.labels:
        nest_label(nested, label.key, label.value)
    variables["labels"] = nested
    trigger = variables.get("trigger")
    variables["trigger"] = {**(trigger if isinstance(trigger, Mapping) else {}), "outputs": outputs}
    variables.setdefault(
        "flow",
        {
            "id": execution.flow_id,
            "namespace": execution.namespace,
            "revision": execution.flow_revision,
        },
    )
    return variables


def execution_labels(context: ConditionContext) -> set[tuple[str, str]]:
    """The labels of the context's execution as ``(key, value)`` pairs: from
    ``execution.labels`` (pairs or a map), else from the nested ``labels`` variable.

    The ``ExecutionLabels`` condition reads them the same way; plugins cannot import the
    engine, hence the twin.
    """
    execution = context.variables.get("execution")
    labels = execution.get("labels") if isinstance(execution, Mapping) else None
    if labels is None:
        labels = context.variables.get("labels")
    if isinstance(labels, Mapping):
        return set(_flatten(labels, ""))
    return {
        (str(label["key"]), _java_str(label.get("value")))
        for label in labels or ()
        if isinstance(label, Mapping) and "key" in label
    }


def _flatten(labels: Mapping[str, Any], prefix: str) -> list[tuple[str, str]]:
    pairs: list[tuple[str, str]] = []
    for key, value in labels.items():
        if isinstance(value, Mapping):
            pairs.extend(_flatten(value, f"{prefix}{key}."))
        else:
            pairs.append((f"{prefix}{key}", _java_str(value)))
    return pairs


def _java_str(value: Any) -> str:
    # String.valueOf, as Kestra turns a YAML scalar into a label value.
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    return str(value)


# --- time helpers -----------------------------------------------------------------------------


def _aware(moment: datetime) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"expected an aware datetime, got {moment.isoformat()}")
    return moment


def _utc(moment: datetime) -> datetime:
    # Comparisons and arithmetic on the UTC line: Python compares two datetimes of one zone
    # by their wall clocks, which repeats an hour when the clocks go back.
    return moment.astimezone(UTC)


def _at(day: date, moment: time, region: tzinfo) -> datetime:
    return _utc(datetime.combine(day, moment.replace(tzinfo=None), region))
