"""``/flows``: deploy from YAML, read with source, revisions, search, validate, delete."""

from typing import Any

from fastapi import APIRouter, Query, Request, Response

from tiercel.api.context import ApiContext
from tiercel.api.errors import ApiError
from tiercel.api.flow_checks import SourceChecker
from tiercel.api.paging import searched
from tiercel.api.received import RawBody
from tiercel.ops.flows import Deployed, FlowError
from tiercel.storage.paging import FlowFilter
from tiercel.storage.records import FlowRecord

router = APIRouter(tags=["flows"])

_YAML_TYPES = ("application/x-yaml", "application/yaml", "text/yaml", "text/plain")


def flow_json(deployed: Deployed, *, source: bool = True) -> dict[str, Any]:
    """Kestra's ``FlowWithSource``: the flow's properties, its revision and its YAML."""
    data: dict[str, Any] = dict(deployed.data)
    data.setdefault("id", deployed.flow.id)
    data.setdefault("namespace", deployed.flow.namespace)
    data["revision"] = deployed.record.revision
    data["deleted"] = deployed.record.deleted
    data["updated"] = deployed.record.updated_at.isoformat().replace("+00:00", "Z")
    if source:
        data["source"] = deployed.record.source
    return data


def yaml_body(request: Request, raw: bytes) -> str:
    """The request body as YAML text; JSON is refused as Kestra does since 0.x."""
    kind = request.headers.get("content-type", "application/x-yaml").split(";")[0].strip()
    if kind not in _YAML_TYPES:
        raise ApiError(415, f"Flows are sent as YAML (application/x-yaml), not '{kind}'")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ApiError(422, f"The flow is not UTF-8 text: {exc}") from None


def _ctx(request: Request) -> ApiContext:
    context: ApiContext = request.app.state.ctx
    return context


@router.post("/flows", status_code=200)
def create_flow(request: Request, raw: RawBody) -> dict[str, Any]:
    """Deploy a new flow from YAML; a flow that exists already is a conflict."""
    ctx = _ctx(request)
    source = yaml_body(request, raw)
    flow = ctx.flows.parse(source)
    if ctx.flows.find(flow.namespace, flow.id) is not None:
        raise ApiError(409, f"Flow id already exists: '{flow.namespace}.{flow.id}'")
    return flow_json(ctx.flows.deploy(source))


@router.post("/flows/validate")
def validate_flows(request: Request, response: Response, raw: RawBody) -> list[dict[str, Any]]:
    """Check one or more flows (YAML documents separated by ``---``) without deploying.

    Each entry is Kestra's ``ValidateConstraintViolation`` (``constraints`` holds the CLI's
    messages, one a line; ``warnings`` and ``deprecationPaths`` the deprecated types), plus
    ``problems`` and ``notices``: the same, each with its line, column and field, for editors.
    """
    source = yaml_body(request, raw)
    timed = _checker(request).check(_documents(source), source)
    # What the check cost the server (wall and CPU ms): the editor's benchmark reads it.
    response.headers["Server-Timing"] = timed.server_timing()
    return timed.entries


def _checker(request: Request) -> SourceChecker:
    """The application's source checker, made on first use."""
    state = request.app.state
    checker: SourceChecker | None = getattr(state, "source_checker", None)
    if checker is None:
        checker = state.source_checker = SourceChecker(_ctx(request).registry)
    return checker


@router.get("/flows/search")
def search_flows(
    request: Request,
    namespace: str | None = None,
    q: str | None = None,
    page: int = Query(1, ge=1),
    size: int = Query(10, ge=1, le=10_000),
    sort: list[str] = Query(default_factory=list),
) -> dict[str, Any]:
    """Current flows, by namespace (and those under it) and a text in id or namespace,
    sorted by ``namespace`` or ``id`` (``id:desc``...), a page at a time."""
    flows = _ctx(request).flows
    where = FlowFilter(namespace=namespace or None, text=q or None)
    found = searched(lambda order: flows.search(where, page, size, order), sort)
    return {
        "results": [
            flow_json(item, source=False) if isinstance(item, Deployed) else _record_json(item)
            for item in found.results
        ],
        "total": found.total,
    }


def _record_json(record: FlowRecord) -> dict[str, Any]:
    """A stored flow whose source no longer parses, as far as its record tells."""
    return {
        "id": record.flow_id,
        "namespace": record.namespace,
        "revision": record.revision,
        "deleted": record.deleted,
        "updated": record.updated_at.isoformat().replace("+00:00", "Z"),
    }


@router.get("/flows/{namespace}")
def namespace_flows(request: Request, namespace: str) -> list[dict[str, Any]]:
    """The current flows of one namespace."""
    return [flow_json(d, source=False) for d in _ctx(request).flows.current(namespace=namespace)]


@router.post("/flows/{namespace}")
def update_namespace(
    request: Request, namespace: str, raw: RawBody, delete: bool = True
) -> list[dict[str, Any]]:
    """Deploy every flow of a multi-document YAML into ``namespace``; with ``delete`` (the
    default, as Kestra's), remove the namespace's flows the source does not contain."""
    ctx = _ctx(request)
    source = yaml_body(request, raw)
    documents = _documents(source)
    parsed = []
    problems = []
    for document in documents:
        try:
            flow = ctx.flows.parse(document)
        except FlowError as exc:
            problems.extend(exc.problems)
            continue
        if flow.namespace != namespace:
            raise ApiError(
                422, f"Flow '{flow.id}' is in namespace '{flow.namespace}', not '{namespace}'"
            )
        parsed.append(document)
    if problems:
        raise FlowError(problems)
    deployed = [ctx.flows.deploy(document) for document in parsed]
    if delete:
        kept = {d.flow.id for d in deployed}
        for current in ctx.flows.current(namespace=namespace):
            if current.flow.id not in kept:
                ctx.flows.delete(namespace, current.flow.id)
    return [flow_json(d, source=False) for d in deployed]


@router.get("/flows/{namespace}/{flow_id}")
def get_flow(
    request: Request,
    namespace: str,
    flow_id: str,
    source: bool = False,
    revision: int | None = None,
) -> dict[str, Any]:
    """A flow's current (or a given) revision; ``source`` is always included."""
    del source  # Kestra's flag; the source is small and always sent
    return flow_json(_ctx(request).flows.get(namespace, flow_id, revision))


@router.put("/flows/{namespace}/{flow_id}")
def update_flow(request: Request, namespace: str, flow_id: str, raw: RawBody) -> dict[str, Any]:
    """Deploy a new revision of an existing flow."""
    ctx = _ctx(request)
    source = yaml_body(request, raw)
    ctx.flows.get(namespace, flow_id)  # 404 when there is no such flow
    return flow_json(ctx.flows.deploy(source, expect=(namespace, flow_id)))


@router.delete("/flows/{namespace}/{flow_id}", status_code=204)
def delete_flow(request: Request, namespace: str, flow_id: str) -> Response:
    """Delete a flow; its revisions stay readable."""
    _ctx(request).flows.delete(namespace, flow_id)
    return Response(status_code=204)


@router.get("/flows/{namespace}/{flow_id}/revisions")
def flow_revisions(request: Request, namespace: str, flow_id: str) -> list[dict[str, Any]]:
    """Every revision of a flow, oldest first, with its source."""
    ctx = _ctx(request)
    records = ctx.flows.revisions(namespace, flow_id)
    if not records:
        raise ApiError(404, f"flow '{namespace}.{flow_id}' not found")
    return [_revision_json(record) for record in records]


def _revision_json(record: FlowRecord) -> dict[str, Any]:
    return {
        "id": record.flow_id,
        "namespace": record.namespace,
        "revision": record.revision,
        "deleted": record.deleted,
        "updated": record.updated_at.isoformat().replace("+00:00", "Z"),
        "source": record.source,
    }


def _documents(source: str) -> list[str]:
    """The YAML documents of a multi-document source, as texts."""
    parts: list[list[str]] = [[]]
    for line in source.splitlines(keepends=True):
        if line.rstrip() == "---":
            parts.append([])
        else:
            parts[-1].append(line)
    return [text for text in ("".join(p) for p in parts) if text.strip()]
