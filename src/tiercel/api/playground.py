"""``/playground/runs``: run one task of a flow alone (Kestra's Playground), and list those runs.

Kestra's editor saves the flow, then starts a ``PLAYGROUND`` execution. Here one call does
both: the source sent is deployed when it differs from the current revision (a new revision,
as Kestra's save makes), then the task runs alone with the outputs of the earlier tasks taken
from a chosen execution. Playground runs stay out of the executions list and its searches.
"""

from typing import Any

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from tiercel.api.context import ApiContext
from tiercel.api.executions import execution_json, json_response, shown
from tiercel.ops import playground
from tiercel.storage.paging import ExecutionFilter, Sort

router = APIRouter(tags=["playground"])

_RECENT = 20


class PlaygroundRun(BaseModel):
    """What to run."""

    model_config = ConfigDict(populate_by_name=True, extra="forbid")

    namespace: str = Field(description="The flow's namespace.", min_length=1)
    flow_id: str = Field(alias="flowId", description="The flow's id.", min_length=1)
    task_id: str = Field(alias="taskId", description="The task to run alone.", min_length=1)
    execution_id: str | None = Field(
        None,
        alias="executionId",
        description="An ended execution of the flow whose inputs and earlier task outputs the "
        "run reuses; none runs the task with the inputs' defaults and no earlier output.",
    )
    source: str | None = Field(
        None,
        description="The flow's YAML as edited; deployed first (a new revision) when it "
        "differs from the current one. None runs the current revision.",
    )


def _ctx(request: Request) -> ApiContext:
    context: ApiContext = request.app.state.ctx
    return context


@router.post("/playground/runs", summary="Run one task of a flow alone (Playground)")
def run_task(request: Request, body: PlaygroundRun) -> dict[str, Any]:
    """Deploy ``source`` if it changed, then start a playground run of ``taskId``; answer the
    new execution (follow it with ``/executions/{id}/follow``)."""
    ctx = _ctx(request)
    if body.source is not None:
        flow = ctx.flows.deploy(body.source, expect=(body.namespace, body.flow_id)).flow
    else:
        flow = ctx.flows.get(body.namespace, body.flow_id).flow
    execution_id, start = playground.prepare(
        ctx.executions,
        flow,
        body.task_id,
        previous_id=body.execution_id,
        new_id=ctx.new_id,
        now=ctx.clock(),
    )
    ctx.runner.send(execution_id, start)
    return execution_json(ctx, execution_id)


@router.get("/playground/runs", summary="The latest playground runs of a flow")
def recent_runs(
    request: Request,
    namespace: str = Query(description="The flow's namespace."),
    flow_id: str = Query(alias="flowId", description="The flow's id."),
) -> Any:
    """The flow's last playground runs, newest first, with their task runs."""
    ctx = _ctx(request)
    ctx.flows.get(namespace, flow_id)  # an unknown flow is a 404, not an empty list
    where = ExecutionFilter(
        namespace=namespace, namespace_prefix=False, flow_id=flow_id, playground=True
    )
    newest = (Sort("state.startDate", descending=True),)
    found = ctx.executions.search(where, 1, _RECENT, newest)
    runs = ctx.executions.task_runs([execution.id for execution in found.results])
    results = [shown(ctx, e, runs.get(e.id, [])) for e in found.results]
    return json_response({"results": results, "total": found.total})
