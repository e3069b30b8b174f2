"""Reading the execution that a condition tests from its context (not a plugin).

The context's variables describe the execution as Kestra's JSON does under ``execution``
(``labels``, ``outputs``, ``taskRunList``); the engine and the scheduler build them so.
"""

from collections.abc import Iterator, Mapping
from typing import Any

from tiercel.sdk import ConditionContext


def execution_info(context: ConditionContext) -> Mapping[str, Any]:
    """``variables.execution`` of the context, or an empty map."""
    execution = context.variables.get("execution")
    return execution if isinstance(execution, Mapping) else {}


def execution_labels(context: ConditionContext) -> set[tuple[str, str]]:
    """The labels of the execution as ``(key, value)`` pairs.

    Read from ``execution.labels``, as Kestra's execution JSON has them (a list of
    ``{key, value}``) or as a map; else from the top-level ``labels`` variable, a map nested
    on the dots of the keys (``labels.team.name`` for ``team.name``).
    """
    labels = execution_info(context).get("labels")
    if labels is None:
        labels = context.variables.get("labels")
    if isinstance(labels, Mapping):
        return set(_flatten(labels, ""))
    pairs: set[tuple[str, str]] = set()
    for label in labels or ():
        if isinstance(label, Mapping) and "key" in label:
            pairs.add((str(label["key"]), java_str(label.get("value"))))
    return pairs


def _flatten(labels: Mapping[str, Any], prefix: str) -> Iterator[tuple[str, str]]:
    for key, value in labels.items():
        if isinstance(value, Mapping):
            yield from _flatten(value, f"{prefix}{key}.")
        else:
            yield f"{prefix}{key}", java_str(value)


def java_str(value: Any) -> str:
    """``String.valueOf``: how a YAML scalar reads as a label value."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    return str(value)


def execution_outputs(context: ConditionContext) -> Mapping[str, Any]:
    """The flow outputs of the execution (``execution.outputs``), or an empty map."""
    outputs = execution_info(context).get("outputs")
    return outputs if isinstance(outputs, Mapping) else {}


def attempt_states(context: ConditionContext) -> Iterator[list[str]]:
    """For each task run of the execution (``execution.taskRunList``), the states its attempts
    ended in, oldest first."""
    for run in execution_info(context).get("taskRunList") or ():
        if not isinstance(run, Mapping):
            continue
        states = []
        for attempt in run.get("attempts") or ():
            state = attempt.get("state") if isinstance(attempt, Mapping) else None
            if isinstance(state, Mapping):
                state = state.get("current")
            if state is not None:
                states.append(str(state))
        yield states
