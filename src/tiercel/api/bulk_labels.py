"""Labels added to every execution a search matches: Kestra's
``POST /executions/labels/by-query``, the by-query twin of ``/executions/labels/by-ids``.

The body is the list of labels, the query parameters the filters of ``/executions/search``. As
the other bulk routes, at most ``BULK_LIMIT`` executions, and all or nothing.
"""

import asyncio
from typing import Any

from fastapi import APIRouter, Depends, Request

from tiercel.api.bodies import StrictJsonRoute
from tiercel.api.bulk import REFUSED, BulkResponse, matching
from tiercel.api.context import ApiContext
from tiercel.api.execution_changes import LabelBody, label_executions
from tiercel.api.executions import execution_query
from tiercel.model.labels import Label
from tiercel.storage.paging import ExecutionFilter

router = APIRouter(tags=["executions"], route_class=StrictJsonRoute)

_BY_QUERY = Depends(execution_query)


@router.post(
    "/executions/labels/by-query",
    response_model=BulkResponse,
    responses=REFUSED,
    summary="Add labels to the executions a search matches",
)
async def set_labels_by_query(
    request: Request, body: list[LabelBody], where: ExecutionFilter = _BY_QUERY
) -> Any:
    """Add the labels to each execution matching the filters (replacing those with the same
    key); refused as a whole if a label is refused."""
    ctx: ApiContext = request.app.state.ctx
    ids = await asyncio.to_thread(matching, ctx, where)
    labels = [Label(key=label.key, value=label.value) for label in body]
    return await label_executions(ctx, ids, labels)
