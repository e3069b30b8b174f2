"""``/logs`` and ``/metrics``: log search, an execution's log lines (read, download, follow)
and metrics."""

import asyncio
import json
import re
from collections import Counter, deque
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import PlainTextResponse, StreamingResponse

from tiercel.api.context import ApiContext
from tiercel.api.errors import ApiError
from tiercel.api.paging import aware, searched
from tiercel.model.execution import format_instant
from tiercel.model.task import LogLevel
from tiercel.storage.records import LogEntry, LogQuery, MetricEntry

router = APIRouter(tags=["logs"])

_UNSAFE_IN_FILENAME = re.compile(r"[^A-Za-z0-9._-]")

_REREAD = 200
"""Lines a follower reads again each time, to catch those committed late."""


def _ctx(request: Request) -> ApiContext:
    context: ApiContext = request.app.state.ctx
    return context


def _known(ctx: ApiContext, execution_id: str) -> None:
    """Refuse an execution that does not exist and left no log line (a deleted execution's
    lines may have been kept: those are still served).

    Raises:
        ApiError: 404.
    """
    if ctx.executions.get(execution_id) is None and not ctx.logs.find(
        LogQuery(execution_id=execution_id), limit=1
    ):
        raise ApiError(404, f"execution '{execution_id}' not found")


def _query(
    execution_id: str, min_level: LogLevel | None, task_run_id: str | None, task_id: str | None
) -> LogQuery:
    return LogQuery(
        execution_id=execution_id, task_run_id=task_run_id, task_id=task_id, min_level=min_level
    )


# Declared before `/logs/{execution_id}`, which would otherwise take "search" for an id.
@router.get("/logs/search")
def search_logs(
    request: Request,
    q: str | None = None,
    namespace: str | None = None,
    flow_id: str | None = Query(None, alias="flowId"),
    trigger_id: str | None = Query(None, alias="triggerId"),
    execution_id: str | None = Query(None, alias="executionId"),
    task_run_id: str | None = Query(None, alias="taskRunId"),
    min_level: LogLevel | None = Query(None, alias="minLevel"),
    start_date: datetime | None = Query(None, alias="startDate"),
    end_date: datetime | None = Query(None, alias="endDate"),
    page: int = Query(1, ge=1),
    size: int = Query(10, ge=1, le=10_000),
    sort: list[str] = Query(default_factory=list),
) -> dict[str, Any]:
    """Log lines of every execution and trigger matching every filter, newest first unless
    ``sort=timestamp:asc``, a page at a time: ``namespace`` also matches the namespaces under
    it, ``q`` is a text found (ignoring case) in the message or one of the ids."""
    query = LogQuery(
        namespace=namespace or None,
        flow_id=flow_id or None,
        trigger_id=trigger_id or None,
        execution_id=execution_id or None,
        task_run_id=task_run_id or None,
        text=q or None,
        min_level=min_level,
        start=aware(start_date),
        end=aware(end_date),
    )
    logs = _ctx(request).logs
    found = searched(lambda order: logs.search(query, page, size, order), sort)
    return {"results": [entry.to_kestra_json() for entry in found.results], "total": found.total}


@router.get("/logs/{execution_id}")
def execution_logs(
    request: Request,
    execution_id: str,
    min_level: LogLevel | None = Query(None, alias="minLevel"),
    task_run_id: str | None = Query(None, alias="taskRunId"),
    task_id: str | None = Query(None, alias="taskId"),
) -> list[dict[str, Any]]:
    """The log lines of an execution, oldest first."""
    ctx = _ctx(request)
    found = ctx.logs.find(_query(execution_id, min_level, task_run_id, task_id))
    if not found:
        _known(ctx, execution_id)
    return [entry.to_kestra_json() for entry in found]


@router.get("/logs/{execution_id}/download")
def download_logs(
    request: Request,
    execution_id: str,
    min_level: LogLevel | None = Query(None, alias="minLevel"),
    task_run_id: str | None = Query(None, alias="taskRunId"),
    task_id: str | None = Query(None, alias="taskId"),
) -> PlainTextResponse:
    """The log lines as text, one a line."""
    ctx = _ctx(request)
    found = ctx.logs.find(_query(execution_id, min_level, task_run_id, task_id))
    if not found:
        _known(ctx, execution_id)
    lines = [
        f"{format_instant(e.timestamp)} {e.level.value} {e.task_id or ''} {e.message}".rstrip()
        for e in found
    ]
    # The id comes from the URL: only safe characters go into the header (a CR, LF, NUL or
    # a character outside Latin-1 there cannot be sent).
    filename = _UNSAFE_IN_FILENAME.sub("_", execution_id)
    return PlainTextResponse(
        "\n".join(lines) + ("\n" if lines else ""),
        headers={"Content-Disposition": f'attachment; filename="{filename}.log"'},
    )


@router.get("/logs/{execution_id}/follow")
async def follow_logs(
    request: Request,
    execution_id: str,
    min_level: LogLevel | None = Query(None, alias="minLevel"),
) -> StreamingResponse:
    """Server-sent events: each log line as it is stored, until the execution has ended."""
    ctx = _ctx(request)
    query = _query(execution_id, min_level, None, None)
    if await asyncio.to_thread(ctx.executions.get, execution_id) is None:
        await asyncio.to_thread(_known, ctx, execution_id)  # logs kept after a delete

    async def events() -> AsyncIterator[str]:
        # Lines are read again from a little before the last one sent: on PostgreSQL, lines
        # written together by several processes can commit out of order, a late one landing
        # before lines already sent. Those already sent are recognised and skipped.
        sent = 0
        recent: deque[LogEntry] = deque(maxlen=_REREAD)
        while not await request.is_disconnected():
            execution = await asyncio.to_thread(ctx.executions.get, execution_id)
            ended = execution is None or execution.state.current.is_terminated
            # After the end, one more read: lines flushed with the final state.
            lines = await asyncio.to_thread(ctx.logs.find, query, offset=sent - len(recent))
            seen = Counter(recent)
            for entry in lines:
                if seen[entry]:
                    seen[entry] -= 1
                    continue
                recent.append(entry)
                sent += 1
                yield f"event: message\ndata: {json.dumps(entry.to_kestra_json())}\n\n"
            if ended:
                yield "event: end\ndata: {}\n\n"
                return
            await asyncio.sleep(0.1)

    return StreamingResponse(events(), media_type="text/event-stream")


def metric_json(entry: MetricEntry) -> dict[str, Any]:
    """Kestra's ``MetricEntry``."""
    return {
        "namespace": entry.namespace,
        "flowId": entry.flow_id,
        "taskId": entry.task_id,
        "executionId": entry.execution_id,
        "taskRunId": entry.task_run_id,
        "type": entry.type.value,
        "name": entry.name,
        "value": entry.value,
        "tags": dict(entry.tags),
        "timestamp": format_instant(entry.timestamp),
    }


@router.get("/metrics/{execution_id}")
def execution_metrics(
    request: Request, execution_id: str, task_run_id: str | None = Query(None, alias="taskRunId")
) -> dict[str, Any]:
    """The metrics of an execution, as a page."""
    ctx = _ctx(request)
    found = ctx.metrics.find_by_execution(execution_id, task_run_id=task_run_id)
    if not found and ctx.executions.get(execution_id) is None:
        raise ApiError(404, f"execution '{execution_id}' not found")
    return {"results": [metric_json(entry) for entry in found], "total": len(found)}
