"""``/flows/{namespace}/{id}/graph`` and ``/flows/graph``: a flow's topology as Kestra's
``FlowGraph`` (nodes, edges, clusters), for a deployed revision or for YAML being edited."""

from typing import Any

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, Field

from tiercel.api.context import ApiContext
from tiercel.api.errors import ApiError
from tiercel.api.received import RawBody
from tiercel.api.triggers import trigger_json
from tiercel.model.base import PluginObject
from tiercel.model.flow import Flow
from tiercel.ops.graph import flow_graph

router = APIRouter(tags=["flows"])


class Relation(BaseModel):
    """What an edge means: ``relationType`` (SEQUENTIAL, PARALLEL, CHOICE, DYNAMIC, ERROR,
    FINALLY, AFTER_EXECUTION; absent for a plain link) and the ``value`` of a choice."""

    relation_type: str | None = Field(None, alias="relationType")
    value: str | None = None


class Edge(BaseModel):
    """A directed edge between two node uids."""

    source: str
    target: str
    relation: Relation


class Cluster(BaseModel):
    """A flowable task's box: the cluster (with its ``taskNode``), the uids of the nodes
    directly inside it (nested clusters as ``cluster_...``), its ancestors' cluster uids,
    and its start and end nodes."""

    cluster: dict[str, Any]
    nodes: list[str]
    parents: list[str]
    start: str
    end: str


class FlowGraph(BaseModel):
    """Kestra's ``FlowGraph``. Each node has a ``uid`` and a ``type`` (Kestra's class:
    ``...hierarchies.GraphTask``, ``SubflowGraphTask``, ``GraphTrigger``, ``GraphClusterRoot``,
    ``GraphClusterEnd``, ``GraphClusterFinally``, ``GraphClusterAfterExecution``); task nodes
    carry the ``task`` and its ``relationType``, trigger nodes the ``triggerDeclaration`` and
    its stored state (``trigger``), nodes of an errors or finally branch a ``branchType``."""

    nodes: list[dict[str, Any]]
    edges: list[Edge]
    clusters: list[Cluster]


def _ctx(request: Request) -> ApiContext:
    context: ApiContext = request.app.state.ctx
    return context


def task_json(item: PluginObject) -> dict[str, Any]:
    """A task or trigger as a graph node shows it: its properties as written, without the
    defaults, and always its id and type."""
    shown: dict[str, Any] = item.model_dump(mode="json", by_alias=True, exclude_defaults=True)
    shown["id"] = getattr(item, "id", None)
    shown["type"] = item.type
    return shown


def _graph(ctx: ApiContext, flow: Flow, *, with_states: bool) -> dict[str, Any]:
    states: dict[str, Any] = {}
    if with_states:
        for record in ctx.triggers.find(namespace=flow.namespace, flow_id=flow.id):
            states[record.trigger_id] = trigger_json(record)
    graph: dict[str, Any] = ctx.masker.mask_value(flow_graph(flow, task_json, states))
    return graph


@router.post(
    "/flows/graph",
    response_model=FlowGraph,
    response_model_by_alias=True,
    response_model_exclude_none=True,
    summary="The topology of a flow given as YAML (not deployed)",
)
def graph_from_source(request: Request, raw: RawBody) -> dict[str, Any]:
    """The graph of the flow in the body (``application/x-yaml``); an invalid flow is a 422
    naming each problem."""
    ctx = _ctx(request)
    kind = request.headers.get("content-type", "application/x-yaml").split(";")[0].strip()
    if "yaml" not in kind and kind != "text/plain":
        raise ApiError(415, f"A flow is sent as YAML (application/x-yaml), not '{kind[:100]}'")
    try:
        source = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ApiError(422, f"The flow is not UTF-8 text: {exc}") from None
    return _graph(ctx, ctx.flows.parse(source), with_states=False)


@router.get(
    "/flows/{namespace}/{flow_id}/graph",
    response_model=FlowGraph,
    response_model_by_alias=True,
    response_model_exclude_none=True,
    summary="The topology of a deployed flow",
)
def deployed_graph(
    request: Request,
    namespace: str,
    flow_id: str,
    revision: int | None = Query(None, ge=1, description="A revision; the current one if unset."),
) -> dict[str, Any]:
    """The graph of the flow's current (or given) revision, with each trigger's state."""
    ctx = _ctx(request)
    flow = ctx.flows.get(namespace, flow_id, revision).flow
    return _graph(ctx, flow, with_states=True)
