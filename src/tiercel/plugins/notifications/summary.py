"""Kestra's summary of an execution, as the ``*Execution`` notification tasks describe it (not
a plugin): the execution itself, its duration, a link to it in the UI, the last task run and
the first failed one, and the flow's custom message and fields.
"""

import os
from datetime import datetime
from typing import Any

from tiercel.plugins.notifications.base import ExecutionProperties
from tiercel.sdk import RunContext, State, TaskFailure

URL_VARIABLE = "TIERCEL_URL"
"""The environment variable holding the server's public URL, as Kestra's ``kestra.url``: with
it the summaries link to ``{url}/ui/executions/{namespace}/{flowId}/{id}``."""
_PAUSES = (0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 15.0, 15.0, 15.0, 15.0)
"""Waits for an execution to be stored in the state asked for, about a minute in all."""


def execution_summary(ctx: RunContext, props: ExecutionProperties) -> dict[str, Any]:
    """The variables Kestra gives its execution templates: ``execution`` (Kestra's object),
    ``duration``, ``startDate``, ``link`` (when the server URL is known), ``customMessage``,
    ``customFields``, ``lastTask`` and ``firstFailed`` (the last task run when it failed,
    else false).

    Raises:
        TaskFailure: The execution cannot be found (in the state a Flow trigger saw).
    """
    execution_id = str(ctx.render(props.execution_id))
    current = execution_id == str((ctx.variables.get("execution") or {}).get("id"))
    if current:
        ctx.logger.info("Loading execution data for the current execution.")
    execution = _find(ctx, execution_id, current)
    state = execution["state"]
    summary: dict[str, Any] = {
        "duration": human_duration(state, ctx.now()),
        "startDate": state["startDate"],
        "execution": execution,
    }
    link = execution_link(ctx, execution)
    if link is not None:
        summary["link"] = link
    if props.custom_message is not None:
        summary["customMessage"] = str(ctx.render(props.custom_message))
    fields = ctx.render(props.custom_fields) if props.custom_fields is not None else None
    if fields:
        summary["customFields"] = dict(fields)
    runs = list(execution.get("taskRunList") or [])
    if not current:
        failed = any(run["state"]["current"] == State.FAILED for run in runs)
        wanted = State.FAILED if failed else State.SUCCESS
        runs = [run for run in runs if run["state"]["current"] == wanted]
    if runs:
        last = runs[-1]
        summary["firstFailed"] = last if last["state"]["current"] == State.FAILED else False
        summary["lastTask"] = last
    return summary


def execution_link(ctx: RunContext, execution: dict[str, Any]) -> str | None:
    """The execution's page in the UI, or None when the server's URL is not configured."""
    kestra = ctx.variables.get("kestra")
    base = (kestra.get("url") if isinstance(kestra, dict) else None) or os.environ.get(URL_VARIABLE)
    if not base:
        return None
    return (
        f"{str(base).rstrip('/')}/ui/executions/"
        f"{execution['namespace']}/{execution['flowId']}/{execution['id']}"
    )


def human_duration(state: dict[str, Any], now: datetime) -> str:
    """``HH:mm:ss.SSS``, as Kestra's ``State.humanDuration`` writes it."""
    start = datetime.fromisoformat(state["startDate"])
    end = datetime.fromisoformat(state["endDate"]) if state.get("endDate") else now
    millis = max(0, round((end - start).total_seconds() * 1000))
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    seconds, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}.{millis:03d}"


def status_line(summary: dict[str, Any]) -> str:
    """``Succeeded after …`` or ``Failed on task `x` after …``, as Kestra's templates say."""
    first_failed = summary.get("firstFailed", False)
    if first_failed is False:
        return f"Succeeded after {summary['duration']}"
    return f"Failed on task `{first_failed['taskId']}` after {summary['duration']}"


def title(summary: dict[str, Any]) -> str:
    """``[namespace] flowId ➛ STATE``."""
    execution = summary["execution"]
    return f"[{execution['namespace']}] {execution['flowId']} ➛ {execution['state']['current']}"


def _find(ctx: RunContext, execution_id: str, current: bool) -> dict[str, Any]:
    """The execution, once stored in the state wanted: any for the current one, the state a
    Flow trigger saw (any for RUNNING), else an ended one; waits about a minute for it."""
    trigger = ctx.variables.get("trigger")
    seen = trigger.get("state") if isinstance(trigger, dict) else None
    queries = ctx.executions()
    for pause in (*_PAUSES, None):
        found = queries.get(execution_id)
        if found is None:
            # The store is read after the write that ended the execution: an id it does not
            # know will not appear by waiting (Kestra waits for its Elasticsearch index).
            break
        if _wanted(found, current, seen):
            return found
        if pause is None or ctx.killed.is_set():
            break
        ctx.sleep(pause)
    raise TaskFailure(f"Unable to find execution '{execution_id}'")


def _wanted(execution: dict[str, Any], current: bool, seen: Any) -> bool:
    state = str(execution["state"]["current"])
    if current or seen == State.RUNNING:
        return True
    if seen is not None:
        return state == str(seen)
    try:
        return State(state).is_terminated
    except ValueError:
        return False
