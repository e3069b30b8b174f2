"""Changes made by hand to an execution: a task run's state (``/executions/{id}/state``) and
the labels (``/executions/{id}/labels``, ``/executions/labels/by-ids``).

Each change goes to the executor as an engine event, like a kill or a restart, so that the
executor, which may hold the execution, applies it and stores it with everything else it
changes. The routes then answer, as Kestra's do, once the stored execution shows the change
(or after ``APPLY_WAIT`` seconds, with the execution as it is stored then).
"""

import asyncio
import time
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field

from tiercel.api.bodies import StrictJsonRoute
from tiercel.api.context import ApiContext
from tiercel.api.errors import ApiError
from tiercel.api.executions import shown
from tiercel.engine import SetLabels
from tiercel.model.labels import SYSTEM_PREFIX, Label
from tiercel.model.state import State
from tiercel.ops import executions as ops

router = APIRouter(tags=["executions"], route_class=StrictJsonRoute)

APPLY_WAIT = 10.0
"""The longest a change waits for the executor to have stored it, in seconds."""

Applied = Callable[[], bool]
"""Whether the executor has stored a change yet: a light read (the execution's record, one
task run), as it is asked every 50 ms until it has."""


class StateRequest(BaseModel):
    """Kestra's ``StateRequest``: which task run, and the state to give it."""

    model_config = ConfigDict(populate_by_name=True)

    task_run_id: str = Field(alias="taskRunId")
    state: State


class LabelBody(BaseModel):
    """A label as Kestra's JSON writes it."""

    key: str
    value: str


class SetLabelsByIdsRequest(BaseModel):
    """Kestra's ``SetLabelsByIdsRequest``: the executions, and the labels to add to each."""

    model_config = ConfigDict(populate_by_name=True)

    executions_id: list[str] = Field(alias="executionsId")
    execution_labels: list[LabelBody] = Field(alias="executionLabels")


def _ctx(request: Request) -> ApiContext:
    context: ApiContext = request.app.state.ctx
    return context


@router.post("/executions/{execution_id}/state")
async def change_task_run_state(
    request: Request, execution_id: str, body: StateRequest
) -> dict[str, Any]:
    """Give a task run of an ended (or paused) execution the state SUCCESS, WARNING or FAILED;
    the execution then goes on from there (the tasks after it run)."""
    ctx = _ctx(request)
    event = await asyncio.to_thread(
        ops.change_task_run_state, ctx.executions, execution_id, body.task_run_id, body.state
    )
    before = await asyncio.to_thread(_state_changes, ctx, execution_id, body.task_run_id)

    def applied() -> bool:
        now = _state_changes(ctx, execution_id, body.task_run_id)
        return now is None or before is None or now > before

    await asyncio.to_thread(ctx.runner.send, execution_id, event)
    return await _once_applied(ctx, execution_id, applied, time.monotonic() + APPLY_WAIT)


@router.post("/executions/labels/by-ids")
async def set_labels_by_ids(request: Request, body: SetLabelsByIdsRequest) -> dict[str, Any]:
    """Add the labels to each execution (replacing those with the same key); refused as a
    whole, naming each problem, if one execution is unknown or a label is refused."""
    labels = [Label(key=label.key, value=label.value) for label in body.execution_labels]
    return await label_executions(_ctx(request), body.executions_id, labels)


async def label_executions(
    ctx: ApiContext, execution_ids: list[str], labels: list[Label]
) -> dict[str, Any]:
    """Adds ``labels`` to each execution, all or none (a 400 names each refusal), and answers
    ``{"count": n}`` once the executor has stored them (or ``APPLY_WAIT`` has passed)."""
    events: list[tuple[str, SetLabels]] = []
    problems: list[dict[str, object]] = []
    for index, execution_id in enumerate(execution_ids):
        try:
            event = await asyncio.to_thread(
                ops.set_labels, ctx.executions, execution_id, labels, merge=True
            )
        except ops.OperationError as exc:
            problems.append({"path": f"executionsId[{index}]", "message": str(exc)})
        else:
            events.append((execution_id, event))
    if problems:
        raise ApiError(400, "invalid bulk set labels", problems)
    for execution_id, event in events:
        await asyncio.to_thread(ctx.runner.send, execution_id, event)
    deadline = time.monotonic() + APPLY_WAIT
    for execution_id, event in events:
        await _once_applied(ctx, execution_id, _carrying(ctx, execution_id, event), deadline)
    return {"count": len(events)}


@router.post("/executions/{execution_id}/labels")
async def set_labels(request: Request, execution_id: str, body: list[LabelBody]) -> dict[str, Any]:
    """Replace the labels of an execution, running or ended; its system labels stay."""
    ctx = _ctx(request)
    labels = [Label(key=label.key, value=label.value) for label in body]
    event = await asyncio.to_thread(ops.set_labels, ctx.executions, execution_id, labels)
    await asyncio.to_thread(ctx.runner.send, execution_id, event)
    applied = _carrying(ctx, execution_id, event)
    return await _once_applied(ctx, execution_id, applied, time.monotonic() + APPLY_WAIT)


def _state_changes(ctx: ApiContext, execution_id: str, task_run_id: str) -> int | None:
    """How many states the task run has been through; None once it is gone."""
    found = ctx.executions.runs([task_run_id])
    run = next((r for r in found if r.execution_id == execution_id), None)
    return None if run is None else len(run.state.histories)


def _carrying(ctx: ApiContext, execution_id: str, event: SetLabels) -> Applied:
    """Whether the execution carries the labels ``event`` sets, and no other user label (yes
    once it is gone: the answer's read then says so)."""
    wanted = {(label.key, label.value) for label in event.labels}

    def applied() -> bool:
        execution = ctx.executions.get(execution_id)
        if execution is None:
            return True
        carried = {(label.key, label.value) for label in execution.labels}
        users = {pair for pair in carried if not pair[0].startswith(SYSTEM_PREFIX)}
        return wanted <= carried and users <= wanted

    return applied


async def _once_applied(
    ctx: ApiContext, execution_id: str, applied: Applied, deadline: float
) -> dict[str, Any]:
    def answer() -> dict[str, Any] | None:
        if not applied() and time.monotonic() < deadline:
            return None
        stored = ctx.executions.load(execution_id)  # the whole execution, once
        if stored is None:
            raise ApiError(404, f"execution '{execution_id}' not found")
        return shown(ctx, *stored)

    while True:
        done = await asyncio.to_thread(answer)
        if done is not None:
            return done
        await asyncio.sleep(0.05)
