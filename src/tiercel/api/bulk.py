"""Bulk actions on executions, by ids or by the search's filters: delete, kill, restart and
replay, as Kestra's ``ExecutionController`` does them.

As in Kestra, every execution is checked first: if one cannot take the action (unknown, still
running for a delete, already ended for a kill...), nothing is done and the answer is a 400
naming each of them (``invalids``, and ``_embedded.errors`` as Tiercel's other refusals);
otherwise every one is acted on and the answer is ``{"count": n}``. A query matching more than
``BULK_LIMIT`` executions is refused: narrow it.
"""

from collections.abc import Callable
from typing import Any, TypeVar

from fastapi import APIRouter, Body, Depends, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from tiercel.api.bodies import StrictJsonRoute
from tiercel.api.context import ApiContext
from tiercel.api.errors import ApiError
from tiercel.api.executions import execution_query
from tiercel.engine import Event
from tiercel.ops import executions as ops
from tiercel.storage.paging import ExecutionFilter
from tiercel.storage.uris import execution_uri

router = APIRouter(tags=["executions"], route_class=StrictJsonRoute)

BULK_LIMIT = 10_000
"""The most executions one bulk request acts on."""

T = TypeVar("T")

_IDS = Body(
    description="The ids of the executions.", max_length=BULK_LIMIT, examples=[["4Jd8Ya9bxZ"]]
)


class BulkResponse(BaseModel):
    """Kestra's ``BulkResponse``: how many executions the action was applied to."""

    count: int


REFUSED: dict[int | str, dict[str, Any]] = {
    400: {
        "description": "Nothing done: some executions cannot take the action "
        "(`invalids` and `_embedded.errors` name them)"
    }
}


_BY_QUERY = Depends(execution_query)


def _ctx(request: Request) -> ApiContext:
    context: ApiContext = request.app.state.ctx
    return context


def matching(ctx: ApiContext, where: ExecutionFilter) -> list[str]:
    found = ctx.executions.ids(where, BULK_LIMIT + 1)
    if len(found) > BULK_LIMIT:
        raise ApiError(
            422,
            f"More than {BULK_LIMIT:,} executions match the query: narrow it (namespace, "
            "flow, state, dates) to act on at most that many at once",
        )
    return found


def _checked(
    action: str, ids: list[str], check: Callable[[str], T]
) -> tuple[list[tuple[str, T]], JSONResponse | None]:
    """``check`` each id (it raises ``OperationError`` to refuse one); the checked ids with
    what ``check`` made, or the 400 answer naming every refused one."""
    accepted: list[tuple[str, T]] = []
    invalids: list[dict[str, Any]] = []
    errors: list[dict[str, Any]] = []
    seen: set[str] = set()
    for index, execution_id in enumerate(ids):
        if execution_id in seen:
            continue
        seen.add(execution_id)
        try:
            accepted.append((execution_id, check(execution_id)))
        except ops.OperationError as exc:
            invalids.append({"message": str(exc), "invalidValue": execution_id})
            errors.append({"path": f"executionsId[{index}]", "message": str(exc)})
    if not invalids:
        return accepted, None
    body: dict[str, Any] = {"message": f"invalid bulk {action}", "invalids": invalids}
    body["_embedded"] = {"errors": errors}
    return [], JSONResponse(body, status_code=400)


def _delete(ctx: ApiContext, ids: list[str], logs: bool, metrics: bool, storage: bool) -> Any:
    def check(execution_id: str) -> tuple[str, str]:
        execution = ctx.executions.get(execution_id)
        if execution is None:
            raise ops.NotFoundError(f"execution '{execution_id}' not found")
        if not execution.state.current.is_terminated:
            raise ops.OperationError(
                f"execution '{execution_id}' is still {execution.state.current.value}: "
                "kill it first"
            )
        return execution.namespace, execution.flow_id

    accepted, refusal = _checked("delete", ids, check)
    if refusal is not None:
        return refusal
    for execution_id, (namespace, flow_id) in accepted:
        if logs:
            ctx.logs.delete_by_execution(execution_id)
        if metrics:
            ctx.metrics.delete_by_execution(execution_id)
        if storage:
            ctx.storage.delete_prefix(execution_uri(namespace, flow_id, execution_id))
    return {"count": ctx.executions.delete([execution_id for execution_id, _ in accepted])}


def _send(ctx: ApiContext, action: str, ids: list[str], event: Callable[[str], Event]) -> Any:
    accepted, refusal = _checked(action, ids, event)
    if refusal is not None:
        return refusal
    for execution_id, made in accepted:
        ctx.runner.send(execution_id, made)
    return {"count": len(accepted)}


def _replay(ctx: ApiContext, ids: list[str]) -> Any:
    def check(execution_id: str) -> None:
        execution = ctx.executions.get(execution_id)
        if execution is None:
            raise ops.NotFoundError(f"execution '{execution_id}' not found")
        if not execution.state.current.is_terminated:
            raise ops.OperationError(
                f"execution '{execution_id}' is {execution.state.current.value}: only an "
                "ended execution can be replayed"
            )

    accepted, refusal = _checked("replay", ids, check)
    if refusal is not None:
        return refusal
    for execution_id, _ in accepted:
        new_id, event = ops.replay(ctx.executions, execution_id, new_id=ctx.new_id, now=ctx.clock())
        ctx.runner.send(new_id, event)
    return {"count": len(accepted)}


def _killer(ctx: ApiContext, request: Request) -> Callable[[str], Event]:
    by = f"a bulk kill from {request.client.host}" if request.client else "a bulk kill"
    return lambda execution_id: ops.kill(ctx.executions, execution_id, by=by)


def _restarter(ctx: ApiContext) -> Callable[[str], Event]:
    return lambda execution_id: ops.restart(ctx.executions, execution_id)


_DELETE_LOGS = Query(True, alias="deleteLogs", description="Delete their logs too.")
_DELETE_METRICS = Query(True, alias="deleteMetrics", description="Delete their metrics too.")
_DELETE_STORAGE = Query(
    True, alias="deleteStorage", description="Delete their files in internal storage too."
)


@router.delete(
    "/executions/by-ids",
    response_model=BulkResponse,
    responses=REFUSED,
    summary="Delete ended executions",
)
def delete_by_ids(
    request: Request,
    ids: list[str] = _IDS,
    delete_logs: bool = _DELETE_LOGS,
    delete_metrics: bool = _DELETE_METRICS,
    delete_storage: bool = _DELETE_STORAGE,
) -> Any:
    """Delete these executions (each must have ended), with their task runs."""
    return _delete(_ctx(request), ids, delete_logs, delete_metrics, delete_storage)


@router.delete(
    "/executions/by-query",
    response_model=BulkResponse,
    responses=REFUSED,
    summary="Delete the ended executions a search matches",
)
def delete_by_query(
    request: Request,
    where: ExecutionFilter = _BY_QUERY,
    delete_logs: bool = _DELETE_LOGS,
    delete_metrics: bool = _DELETE_METRICS,
    delete_storage: bool = _DELETE_STORAGE,
) -> Any:
    """Delete the executions matching the filters (each must have ended)."""
    ctx = _ctx(request)
    return _delete(ctx, matching(ctx, where), delete_logs, delete_metrics, delete_storage)


@router.post(
    "/executions/kill/by-ids",
    response_model=BulkResponse,
    responses=REFUSED,
    summary="Kill running, paused or queued executions",
)
@router.delete("/executions/kill/by-ids", include_in_schema=False)
def kill_by_ids(request: Request, ids: list[str] = _IDS) -> Any:
    """Ask the executor to kill each execution (none may have ended). Kestra's verb,
    DELETE, is answered too."""
    ctx = _ctx(request)
    return _send(ctx, "kill", ids, _killer(ctx, request))


@router.post(
    "/executions/kill/by-query",
    response_model=BulkResponse,
    responses=REFUSED,
    summary="Kill the executions a search matches",
)
@router.delete("/executions/kill/by-query", include_in_schema=False)
def kill_by_query(request: Request, where: ExecutionFilter = _BY_QUERY) -> Any:
    """Kill the executions matching the filters (none may have ended)."""
    ctx = _ctx(request)
    return _send(ctx, "kill", matching(ctx, where), _killer(ctx, request))


@router.post(
    "/executions/restart/by-ids",
    response_model=BulkResponse,
    responses=REFUSED,
    summary="Restart failed executions in place",
)
def restart_by_ids(request: Request, ids: list[str] = _IDS) -> Any:
    """Run the failed task runs of each execution again."""
    ctx = _ctx(request)
    return _send(ctx, "restart", ids, _restarter(ctx))


@router.post(
    "/executions/restart/by-query",
    response_model=BulkResponse,
    responses=REFUSED,
    summary="Restart the failed executions a search matches",
)
def restart_by_query(request: Request, where: ExecutionFilter = _BY_QUERY) -> Any:
    """Restart the executions matching the filters."""
    ctx = _ctx(request)
    return _send(ctx, "restart", matching(ctx, where), _restarter(ctx))


@router.post(
    "/executions/replay/by-ids",
    response_model=BulkResponse,
    responses=REFUSED,
    summary="Replay ended executions from the start",
)
def replay_by_ids(request: Request, ids: list[str] = _IDS) -> Any:
    """Start a new execution replaying each one (each must have ended)."""
    return _replay(_ctx(request), ids)


@router.post(
    "/executions/replay/by-query",
    response_model=BulkResponse,
    responses=REFUSED,
    summary="Replay the ended executions a search matches",
)
def replay_by_query(request: Request, where: ExecutionFilter = _BY_QUERY) -> Any:
    """Replay the executions matching the filters."""
    ctx = _ctx(request)
    return _replay(ctx, matching(ctx, where))
