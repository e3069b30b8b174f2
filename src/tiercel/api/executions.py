"""``/executions``: create (multipart inputs and files), read, search, follow, kill, restart,
replay, resume, delete."""

import asyncio
import base64
import binascii
import json
import tempfile
from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import StreamingResponse
from starlette.datastructures import UploadFile

from tiercel.api.context import ApiContext
from tiercel.api.errors import ApiError
from tiercel.engine import Resume
from tiercel.model.execution import Execution
from tiercel.model.labels import Label
from tiercel.model.state import State
from tiercel.ops import executions as ops
from tiercel.ops.flows import FlowNotFoundError

router = APIRouter(tags=["executions"])

WAIT_LIMIT = 3600.0
"""The longest a ``wait=true`` request waits for its execution to end, in seconds."""


def _ctx(request: Request) -> ApiContext:
    context: ApiContext = request.app.state.ctx
    return context


def execution_json(ctx: ApiContext, execution_id: str) -> dict[str, Any]:
    """Kestra's ``Execution`` with its task runs, as stored now."""
    stored = ctx.executions.load(execution_id)
    if stored is None:
        raise ApiError(404, f"execution '{execution_id}' not found")
    execution, runs = stored
    return execution.to_kestra_json(runs)


async def form_values(request: Request, folder: Path) -> dict[str, Any]:
    """Inputs from a multipart or urlencoded form (files saved under ``folder``), or from a
    JSON object body."""
    kind = request.headers.get("content-type", "").split(";")[0].strip()
    if kind == "application/json":
        try:
            data = json.loads(await request.body() or b"{}")
        except json.JSONDecodeError as exc:
            raise ApiError(422, f"The body is not valid JSON: {exc}") from None
        if not isinstance(data, dict):
            raise ApiError(422, "The inputs are sent as one JSON object")
        return data
    if kind not in ("multipart/form-data", "application/x-www-form-urlencoded"):
        return {}
    values: dict[str, Any] = {}
    async with request.form() as form:
        for name, value in form.multi_items():
            if isinstance(value, UploadFile):
                filename = Path(value.filename or name).name or name
                target = folder / name
                target.mkdir(parents=True, exist_ok=True)
                path = target / filename
                with path.open("wb") as out:
                    while chunk := await value.read(1 << 20):
                        out.write(chunk)
                values[name] = str(path)
            elif name in values:  # a repeated field is a list (MULTISELECT, ARRAY)
                previous = values[name]
                values[name] = (
                    [*previous, value] if isinstance(previous, list) else [previous, value]
                )
            else:
                values[name] = value
    return values


def parse_labels(raw: list[str]) -> tuple[Label, ...]:
    """``key:value`` query parameters as labels."""
    labels = []
    for item in raw:
        key, sep, value = item.partition(":")
        if not sep or not key:
            raise ApiError(422, f"Invalid label '{item}': expected key:value")
        labels.append(Label(key=key, value=value))
    return tuple(labels)


@router.get("/executions/search")
def search_executions(
    request: Request,
    namespace: str | None = None,
    flow_id: str | None = Query(None, alias="flowId"),
    state: list[State] = Query(default_factory=list),
    start_date: datetime | None = Query(None, alias="startDate"),
    end_date: datetime | None = Query(None, alias="endDate"),
    labels: list[str] = Query(default_factory=list),
    page: int = Query(1, ge=1),
    size: int = Query(25, ge=1, le=10_000),
) -> dict[str, Any]:
    """Executions matching every filter (``labels`` as ``key:value``, each required), newest
    first, a page at a time."""
    ctx = _ctx(request)
    wanted = [(label.key, label.value) for label in parse_labels(labels)]
    ids = ctx.executions.find(
        namespace=namespace,
        flow_id=flow_id,
        states=[s.value for s in state] or None,
        created_after=start_date,
        created_before=end_date,
        namespace_prefix=namespace is not None and flow_id is None,
        labels=wanted or None,
    )
    ids.reverse()
    start = (page - 1) * size
    results = []
    for execution_id in ids[start : start + size]:
        stored = ctx.executions.load(execution_id)
        if stored is not None:
            results.append(stored[0].to_kestra_json(stored[1]))
    return {"results": results, "total": len(ids)}


@router.get("/executions/{execution_id}")
def get_execution(request: Request, execution_id: str) -> dict[str, Any]:
    """One execution with its task runs."""
    return execution_json(_ctx(request), execution_id)


@router.delete("/executions/{execution_id}", status_code=204)
def delete_execution(
    request: Request, execution_id: str, delete_logs: bool = Query(True, alias="deleteLogs")
) -> Response:
    """Delete an ended execution, its task runs, and (by default) its logs and metrics."""
    ctx = _ctx(request)
    stored = ctx.executions.load(execution_id)
    if stored is None:
        raise ApiError(404, f"execution '{execution_id}' not found")
    if not stored[0].state.current.is_terminated:
        raise ApiError(409, f"execution '{execution_id}' is still running: kill it first")
    ctx.executions.delete([execution_id])
    if delete_logs:
        ctx.logs.delete_by_execution(execution_id)
        ctx.metrics.delete_by_execution(execution_id)
    return Response(status_code=204)


@router.post("/executions/{execution_id}/kill", status_code=202)
def kill_execution(request: Request, execution_id: str) -> Response:
    """Ask the executor to kill a running, paused or queued execution."""
    ctx = _ctx(request)
    ctx.runner.send(execution_id, ops.kill(ctx.executions, execution_id, by=_caller(request)))
    return Response(status_code=202)


def _caller(request: Request) -> str:
    """Who made an API request, for the log lines of what it did: the user, or that a token
    was used (never the token), and from where."""
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    who = "an anonymous API request"
    if scheme.lower() == "bearer":
        who = "an API request with a bearer token"
    elif scheme.lower() == "basic":
        try:
            user = base64.b64decode(value.strip(), validate=True).decode().partition(":")[0]
        except (binascii.Error, UnicodeDecodeError):
            user = "?"
        if not user.isprintable() or len(user) > 100:
            user = "?"  # a log line must not be forged or flooded through a header
        who = f"user '{user}' through the API"
    client = request.client
    return f"{who} from {client.host}" if client is not None else who


@router.post("/executions/{execution_id}/restart")
def restart_execution(request: Request, execution_id: str) -> dict[str, Any]:
    """Run the failed task runs of an ended execution again, in place."""
    ctx = _ctx(request)
    ctx.runner.send(execution_id, ops.restart(ctx.executions, execution_id))
    return execution_json(ctx, execution_id)


@router.post("/executions/{execution_id}/replay")
def replay_execution(
    request: Request, execution_id: str, task_run_id: str | None = Query(None, alias="taskRunId")
) -> dict[str, Any]:
    """A new execution replaying this one, from the start or from a task run."""
    ctx = _ctx(request)
    new_id, event = ops.replay(
        ctx.executions,
        execution_id,
        new_id=ctx.new_id,
        now=ctx.clock(),
        task_run_id=task_run_id,
    )
    ctx.runner.send(new_id, event)
    return execution_json(ctx, new_id)


@router.post("/executions/{execution_id}/resume", status_code=204)
async def resume_execution(request: Request, execution_id: str) -> Response:
    """Resume a paused execution with the inputs its paused task asks for."""
    ctx = _ctx(request)
    execution = ctx.executions.get(execution_id)
    if execution is None:
        raise ApiError(404, f"execution '{execution_id}' not found")
    flow = ctx.flows.find(execution.namespace, execution.flow_id, execution.flow_revision)
    flows = {} if flow is None else {(execution.namespace, execution.flow_id): flow}
    with tempfile.TemporaryDirectory(prefix="tiercel-upload-") as folder:
        inputs = await form_values(request, Path(folder))
        event: Resume = ops.resume(ctx.executions, flows, execution_id, inputs, storage=ctx.storage)
    ctx.runner.send(execution_id, event)
    return Response(status_code=204)


@router.get("/executions/{execution_id}/follow")
async def follow_execution(request: Request, execution_id: str) -> StreamingResponse:
    """Server-sent events: the execution each time it changes, until it ends."""
    ctx = _ctx(request)
    if await asyncio.to_thread(ctx.executions.load, execution_id) is None:
        raise ApiError(404, f"execution '{execution_id}' not found")

    async def events() -> AsyncIterator[str]:
        last = None
        while not await request.is_disconnected():
            stored = await asyncio.to_thread(ctx.executions.load, execution_id)
            if stored is None:
                return
            body = json.dumps(stored[0].to_kestra_json(stored[1]))
            if body != last:
                last = body
                yield f"event: message\ndata: {body}\n\n"
            if _ended(stored[0]):
                yield "event: end\ndata: {}\n\n"
                return
            await asyncio.sleep(0.1)

    return StreamingResponse(events(), media_type="text/event-stream")


# Declared last: its two free path segments would otherwise catch `/{id}/kill` and the like.
@router.post("/executions/{namespace}/{flow_id}")
@router.post("/executions/trigger/{namespace}/{flow_id}", include_in_schema=False)
async def create_execution(
    request: Request,
    namespace: str,
    flow_id: str,
    wait: bool = False,
    labels: list[str] = Query(default_factory=list),
    revision: int | None = None,
    schedule_date: datetime | None = Query(None, alias="scheduleDate"),
) -> dict[str, Any]:
    """Start an execution with the form's inputs; with ``wait``, answer once it has ended."""
    ctx = _ctx(request)
    try:
        flow = ctx.flows.get(namespace, flow_id, revision).flow
    except FlowNotFoundError:
        raise ApiError(404, f"Flow '{namespace}.{flow_id}' not found") from None
    if flow.disabled:
        raise ApiError(422, f"Flow '{namespace}.{flow_id}' is disabled")
    given_labels = parse_labels(labels)
    with tempfile.TemporaryDirectory(prefix="tiercel-upload-") as folder:
        inputs = await form_values(request, Path(folder))
        execution = await asyncio.to_thread(
            ctx.runner.create, flow, inputs, given_labels, schedule_date=schedule_date
        )
    if wait:
        await asyncio.to_thread(ctx.ends.wait, execution.id, WAIT_LIMIT)
    return await asyncio.to_thread(execution_json, ctx, execution.id)


def _ended(execution: Execution) -> bool:
    return execution.state.current.is_terminated
