"""``/executions``: create (multipart inputs and files), read, search, follow, kill, restart,
replay, resume, delete."""

import asyncio
import base64
import binascii
import gc
import gzip
import json
import shutil
import tempfile
from collections.abc import AsyncIterator, Collection, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.encoders import jsonable_encoder
from fastapi.responses import StreamingResponse
from pydantic_core import from_json, to_json
from starlette.datastructures import UploadFile

from tiercel.api.context import ApiContext
from tiercel.api.errors import ApiError
from tiercel.api.execution_follow import ExecutionFollower
from tiercel.api.paging import aware, searched
from tiercel.api.received import Received, ReceivedBody
from tiercel.engine import Resume
from tiercel.model import json_text
from tiercel.model.execution import Execution, TaskRun, task_run_json
from tiercel.model.input import ArrayInput, FileInput, Input, InputType
from tiercel.model.labels import Label
from tiercel.model.secrets import ENCRYPTED_TYPE, Masker
from tiercel.model.state import State
from tiercel.ops import executions as ops
from tiercel.ops.flows import FlowNotFoundError
from tiercel.storage.paging import ExecutionFilter

router = APIRouter(tags=["executions"])

GZIP_FROM = 64 * 1024
"""The size from which an execution's JSON is gzipped for a client that accepts it."""

WAIT_LIMIT = 3600.0
"""The longest a ``wait=true`` request waits for its execution to end, in seconds."""


def _ctx(request: Request) -> ApiContext:
    context: ApiContext = request.app.state.ctx
    return context


def execution_json(ctx: ApiContext, execution_id: str) -> dict[str, Any]:
    """Kestra's ``Execution`` with its task runs, as stored now.

    The task runs' stored JSON is shaped into Kestra's without being parsed into models
    (``task_run_json``): the UI reads executions of 10,000 task runs.
    """
    stored = ctx.executions.load_documents(execution_id)
    if stored is None:
        raise ApiError(404, f"execution '{execution_id}' not found")
    execution, documents = stored
    body: dict[str, Any] = ctx.masker.mask_value(execution.to_kestra_json([]))
    body["taskRunList"] = shown_documents(ctx.masker, documents)
    return body


def shown_documents(masker: Masker, documents: Sequence[str]) -> list[dict[str, Any]]:
    """Kestra's ``TaskRun`` of each stored task run document, every known secret masked.

    Only a document whose text holds a secret form, or any escape (where the text and the
    strings it encodes differ), is walked by the masker: the others have nothing to mask.
    """
    paused = gc.isenabled()
    if paused:
        # Some 100,000 objects that live until the answer is written hold no cycle: the
        # collections their allocation would trigger would scan them for nothing.
        gc.disable()
    try:
        # One look through them all first: most executions hold no secret at all.
        suspect = bool(masker) and masker.finds("\n".join(documents))
        shown_runs = []
        for text in documents:
            run = task_run_json(from_json(text), encrypted=ENCRYPTED_TYPE in text)
            if masker and ("\\" in text or (suspect and masker.finds(text))):
                run = masker.mask_value(run)
            shown_runs.append(run)
        return shown_runs
    finally:
        if paused:
            gc.enable()


def shown(ctx: ApiContext, execution: Execution, runs: list[TaskRun]) -> dict[str, Any]:
    """An execution as the API answers it: Kestra's JSON, every known secret value masked."""
    body: dict[str, Any] = ctx.masker.mask_value(execution.to_kestra_json(runs))
    return body


def form_values(received: Received, folder: Path, declared: Sequence[Input]) -> dict[str, Any]:
    """Inputs from a multipart or urlencoded form (files saved under ``folder``), or from a
    JSON object body.

    A form's field names must be ids of the ``declared`` inputs (the flow's, or the paused
    task's), and a file may be sent only for a FILE input (or an ARRAY of FILE): otherwise the
    request is refused, with nothing written. Each file goes into a folder of its own under
    ``folder``, under its base name, so that no field name nor file name chooses where it is
    written. Blocking (it copies the files): call it from a thread.

    Raises:
        ApiError: 422 for a body that is not a JSON object, a field that is no input, or a
            file for an input that takes none; 415 for a body of another content type.
    """
    accepted = {item.key for item in declared}
    takes_files = {item.key for item in declared if _takes_files(item)}
    if received.kind == "application/json":
        try:
            data = json_text.loads(received.body or b"{}")
        except json_text.JsonTextError as exc:
            raise ApiError(422, f"The body is refused: {exc}") from None
        if not isinstance(data, dict):
            raise ApiError(422, "The inputs are sent as one JSON object")
        return data
    if received.fields is None:
        # Running with the default inputs would hide the caller's mistake: a body of another
        # type (or of none named) is refused, as Kestra does. No body at all is no inputs.
        if received.content_type is None and not received.body:
            return {}
        raise ApiError(
            415,
            f"Unsupported Content-Type '{received.content_type or ''}': send the inputs as "
            "multipart/form-data, application/x-www-form-urlencoded or application/json",
        )
    values: dict[str, Any] = {}
    items = received.fields
    unknown = sorted({name for name, _ in items if name not in accepted})
    if unknown:
        raise ApiError(422, _unknown_fields(unknown, accepted))
    for name, value in items:
        if isinstance(value, UploadFile) and name not in takes_files:
            raise ApiError(422, f"Input '{name}' is not a FILE input: it takes no file")
    for index, (name, value) in enumerate(items):
        if isinstance(value, UploadFile):
            target = folder / str(index)
            target.mkdir()
            path = target / _upload_name(value.filename)
            value.file.seek(0)
            with path.open("wb") as out:
                shutil.copyfileobj(value.file, out, 1 << 20)
            value = str(path)
        if name in values:  # a repeated field is a list (MULTISELECT, ARRAY)
            previous = values[name]
            values[name] = [*previous, value] if isinstance(previous, list) else [previous, value]
        else:
            values[name] = value
    return values


def _takes_files(declared: Input) -> bool:
    if isinstance(declared, ArrayInput):
        return declared.item_type is InputType.FILE
    return isinstance(declared, FileInput)


def _unknown_fields(unknown: list[str], accepted: Collection[str]) -> str:
    named = ", ".join(f"'{name[:100]}'" for name in unknown[:5])
    expected = ", ".join(f"'{name}'" for name in sorted(accepted)) or "none"
    return f"Unknown input field {named}: the inputs accepted here are {expected}"


_NAME_LIMIT = 200
"""The longest upload file name kept, in UTF-8 bytes (file systems stop at 255)."""


def _upload_name(filename: str | None) -> str:
    """A client's file name reduced to a safe base name: no folder, no NUL, not too long."""
    text = (filename or "").encode(errors="replace").decode()  # no lone surrogates
    base = text.replace("\\", "/").rsplit("/", 1)[-1].replace("\0", "")
    if base in ("", ".", ".."):
        return "upload"
    encoded = base.encode()
    if len(encoded) > _NAME_LIMIT:
        _, dot, suffix = base.rpartition(".")
        keep = suffix if dot and len(suffix.encode()) < 20 else ""
        head = encoded[: _NAME_LIMIT - len(keep.encode()) - 1].decode(errors="ignore")
        base = f"{head}.{keep}" if keep else head
    return base


def parse_labels(raw: list[str]) -> tuple[Label, ...]:
    """``key:value`` query parameters as labels."""
    labels = []
    for item in raw:
        key, sep, value = item.partition(":")
        if not sep or not key:
            raise ApiError(422, f"Invalid label '{item}': expected key:value")
        labels.append(Label(key=key, value=value))
    return tuple(labels)


def json_response(content: Any, status_code: int = 200) -> Response:
    """``content`` as a JSON response, as Starlette's ``JSONResponse`` writes it (UTF-8, no
    NaN or infinity), in one ``json.dumps`` pass.

    FastAPI passes a route's plain ``dict`` through ``jsonable_encoder``, a recursive walk in
    Python that costs more than the serialisation itself: for an execution of 10,000 task runs
    (8 MB of JSON) it took seconds. Any value ``json`` cannot write is still handed to it, one
    value at a time.
    """
    text = json.dumps(
        content,
        ensure_ascii=False,
        allow_nan=False,
        separators=(",", ":"),
        default=jsonable_encoder,
    )
    return Response(text.encode(), status_code=status_code, media_type="application/json")


def execution_response(request: Request, content: dict[str, Any]) -> Response:
    """An execution's JSON (``execution_json``) as a response, written by pydantic's
    serialiser: some three times faster than ``json.dumps`` for the 8 MB of an execution of
    10,000 task runs. Only JSON values are in it (it was read from JSON), so nothing needs
    ``json_response``'s fallback; a float is written in its shortest form (``1.5e-7``).

    A large body is gzipped for a client that accepts it, at the fastest level: 8 MB of task
    runs shrink twenty times for a few tens of milliseconds.
    """
    body = to_json(content)
    if len(body) < GZIP_FROM or "gzip" not in request.headers.get("accept-encoding", ""):
        return Response(body, media_type="application/json")
    return Response(
        gzip.compress(body, compresslevel=1, mtime=0),
        media_type="application/json",
        headers={"Content-Encoding": "gzip", "Vary": "Accept-Encoding"},
    )


def execution_query(
    q: str | None = Query(None, description="A text in the execution id or the flow id."),
    namespace: str | None = Query(
        None, description="A namespace; the namespaces under it too unless flowId is given."
    ),
    flow_id: str | None = Query(None, alias="flowId", description="A flow id."),
    state: list[State] = Query(
        default_factory=list, description="Current states (repeat it for several)."
    ),
    start_date: datetime | None = Query(
        None, alias="startDate", description="Created at or after (ISO-8601; UTC if no offset)."
    ),
    end_date: datetime | None = Query(
        None, alias="endDate", description="Created before (ISO-8601; UTC if no offset)."
    ),
    labels: list[str] = Query(
        default_factory=list, description="Labels as key:value, each required (repeatable)."
    ),
) -> ExecutionFilter:
    """The filters of ``/executions/search``, which the bulk actions by query take too.

    Raises:
        ApiError: 422 for a label that is not ``key:value`` or an end before the start.
    """
    start, end = aware(start_date), aware(end_date)
    if start is not None and end is not None and end < start:
        raise ApiError(422, "endDate must be after startDate")
    return ExecutionFilter(
        namespace=namespace or None,
        namespace_prefix=not flow_id,
        flow_id=flow_id or None,
        states=[s.value for s in state] or None,
        start=start,
        end=end,
        labels=tuple((label.key, label.value) for label in parse_labels(labels)),
        text=q or None,
    )


_FILTERS = Depends(execution_query)


@router.get("/executions/search", summary="Search executions, a page at a time")
def search_executions(
    request: Request,
    where: ExecutionFilter = _FILTERS,
    page: int = Query(1, ge=1, description="The page, from 1."),
    size: int = Query(10, ge=1, le=10_000, description="Executions a page (at most 10,000)."),
    sort: list[str] = Query(
        default_factory=list,
        description="field:asc or field:desc, repeatable; fields: state.startDate (the "
        "default, newest first), state.endDate, state.duration, state.current, namespace, "
        "flowId, id.",
    ),
    task_runs: bool = Query(
        True,
        alias="taskRuns",
        description="Tiercel: false leaves each execution's taskRunList out, for a list that "
        "needs only the executions (a page holding an execution of thousands of task runs "
        "is then as quick as any other).",
    ),
) -> Response:
    """Executions matching every filter (``namespace`` also matches the namespaces under it
    unless ``flowId`` is given, ``labels`` as ``key:value`` each required, ``q`` a text in the
    id or flow id), newest first unless ``sort`` (``state.startDate:asc``...), a page at a
    time."""
    ctx = _ctx(request)
    found = searched(lambda order: ctx.executions.search(where, page, size, order), sort)
    ids = [execution.id for execution in found.results]
    runs = ctx.executions.task_runs(ids) if task_runs else {}
    results = [shown(ctx, execution, runs.get(execution.id, [])) for execution in found.results]
    if not task_runs:
        for result in results:
            del result["taskRunList"]
    return json_response({"results": results, "total": found.total})


@router.get("/executions/{execution_id}")
def get_execution(request: Request, execution_id: str) -> Response:
    """One execution with its task runs."""
    return execution_response(request, execution_json(_ctx(request), execution_id))


@router.delete("/executions/{execution_id}", status_code=204)
def delete_execution(
    request: Request, execution_id: str, delete_logs: bool = Query(True, alias="deleteLogs")
) -> Response:
    """Delete an ended execution, its task runs, and (by default) its logs and metrics."""
    ctx = _ctx(request)
    execution = ctx.executions.get(execution_id)
    if execution is None:
        raise ApiError(404, f"execution '{execution_id}' not found")
    if not execution.state.current.is_terminated:
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
def resume_execution(request: Request, execution_id: str, received: ReceivedBody) -> Response:
    """Resume a paused execution with the inputs its paused task asks for.

    Whether it may be resumed, and with which inputs, is checked before any uploaded file is
    kept: a refused resume writes nothing.
    """
    ctx = _ctx(request)
    execution = ctx.executions.get(execution_id)
    if execution is None:
        raise ApiError(404, f"execution '{execution_id}' not found")
    flow = ctx.flows.find(execution.namespace, execution.flow_id, execution.flow_revision)
    flows = {} if flow is None else {(execution.namespace, execution.flow_id): flow}
    declared = ops.resume_inputs(ctx.executions, flows, execution_id)
    with tempfile.TemporaryDirectory(prefix="tiercel-upload-") as folder:
        inputs = form_values(received, Path(folder), declared)
        event: Resume = ops.resume(
            ctx.executions, flows, execution_id, inputs, storage=ctx.storage, seal=ctx.seal
        )
    ctx.runner.send(execution_id, event)
    return Response(status_code=204)


@router.get("/executions/{execution_id}/follow")
async def follow_execution(request: Request, execution_id: str) -> StreamingResponse:
    """Server-sent events: the execution each time it changes, until it ends."""
    ctx = _ctx(request)
    if await asyncio.to_thread(ctx.executions.get, execution_id) is None:
        raise ApiError(404, f"execution '{execution_id}' not found")

    async def events() -> AsyncIterator[str]:
        snapshot = ExecutionFollower(ctx, execution_id).snapshot
        last = None
        while not await request.is_disconnected():
            seen = await asyncio.to_thread(snapshot)
            if seen is None:
                return
            execution, body = seen
            if body != last:
                last = body
                yield f"event: message\ndata: {body}\n\n"
            if _ended(execution):
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
    received: ReceivedBody,
    wait: bool = False,
    labels: list[str] = Query(default_factory=list),
    revision: int | None = None,
    schedule_date: datetime | None = Query(None, alias="scheduleDate"),
) -> dict[str, Any]:
    """Start an execution with the form's inputs; with ``wait``, answer once it has ended.

    Async only to wait without holding a thread of the pool: the work is done in threads.
    """
    ctx = _ctx(request)

    def create() -> Execution:
        try:
            flow = ctx.flows.get(namespace, flow_id, revision).flow
        except FlowNotFoundError:
            raise ApiError(404, f"Flow '{namespace}.{flow_id}' not found") from None
        if flow.disabled:
            raise ApiError(422, f"Flow '{namespace}.{flow_id}' is disabled")
        given_labels = parse_labels(labels)
        with tempfile.TemporaryDirectory(prefix="tiercel-upload-") as folder:
            inputs = form_values(received, Path(folder), flow.inputs or ())
            return ctx.runner.create(flow, inputs, given_labels, schedule_date=schedule_date)

    execution = await asyncio.to_thread(create)
    if wait:
        await ctx.ends.wait_async(execution.id, WAIT_LIMIT)
    return await asyncio.to_thread(execution_json, ctx, execution.id)


def _ended(execution: Execution) -> bool:
    return execution.state.current.is_terminated
