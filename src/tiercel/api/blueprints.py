"""``/blueprints/community/flow``: the example flows shipped with Tiercel, as Kestra's blueprints.

Kestra forwards these routes to its online catalogue; Tiercel serves the flows of its own
``examples/`` folder (in a wheel: ``tiercel/examples``), in Kestra's shapes: an item is
``{id, title, description, includedTasks, tags, publishedAt}``, with ``source`` and ``kind``
when read one at a time. The title is the first line of the flow's ``description``, the
tags follow from what the flow uses (its task types, inputs, triggers, namespace files).
"""

import re
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import PlainTextResponse

from tiercel.api.context import ApiContext
from tiercel.api.errors import ApiError
from tiercel.api.graph import FlowGraph, task_json
from tiercel.model.flow import Flow
from tiercel.ops.flows import FlowError
from tiercel.ops.graph import flow_graph

router = APIRouter(tags=["blueprints"])

_BASE = "/blueprints/community/{kind}"

_PACKAGE = Path(__file__).resolve().parents[1]
FOLDERS = (_PACKAGE / "examples", _PACKAGE.parents[1] / "examples")
"""Where the examples are: inside an installed wheel, else in the source tree."""

_TAGS_BY_TYPE = (
    (re.compile(r"\.core\.flow\.(Parallel|EachParallel)$"), "Parallel"),
    (re.compile(r"\.core\.flow\.(If|Switch)$"), "Conditions"),
    (re.compile(r"\.core\.flow\.(ForEach|EachSequential|LoopUntil)$"), "Loops"),
    (re.compile(r"\.core\.flow\.Subflow$"), "Subflows"),
    (re.compile(r"\.scripts\.python\."), "Python"),
    (re.compile(r"\.scripts\.shell\."), "Shell"),
    (re.compile(r"\.scripts\.node\."), "Node.js"),
    (re.compile(r"\.jdbc\."), "SQL"),
    (re.compile(r"\.core\.kv\."), "KV Store"),
    (re.compile(r"\.core\.http\.|\.fs\.http\."), "API"),
    (re.compile(r"\.core\.trigger\.Schedule$"), "Schedule"),
    (re.compile(r"\.core\.trigger\.Webhook$"), "Webhook"),
    (re.compile(r"\.core\.trigger\.Flow$"), "Flow trigger"),
)


@dataclass(frozen=True, slots=True)
class Blueprint:
    """One example flow as a blueprint."""

    id: str
    title: str
    description: str
    tags: tuple[str, ...]
    included_tasks: tuple[str, ...]
    source: str
    flow: Flow
    published_at: datetime

    def item(self) -> dict[str, Any]:
        """Kestra's ``ApiBlueprintItem``."""
        return {
            "id": self.id,
            "title": self.title,
            "description": self.description,
            "includedTasks": list(self.included_tasks),
            "tags": list(self.tags),
            "publishedAt": self.published_at.isoformat().replace("+00:00", "Z"),
        }


def tags_of(flow: Flow, source: str) -> tuple[str, ...]:
    """The gallery's tags of a flow, from what it uses, in a stable order."""
    types = [task.type for _, task in flow.all_tasks()]
    types += [trigger.type for trigger in flow.triggers or ()]
    tags = {tag for pattern, tag in _TAGS_BY_TYPE for kind in types if pattern.search(kind)}
    if all(kind.startswith("io.kestra.plugin.core.") for kind in types):
        tags.add("Getting Started")  # core tasks only: runs anywhere, nothing to install
    if flow.inputs:
        tags.add("Inputs")
    if "namespaceFiles" in source or "read('" in source or 'read("' in source:
        tags.add("Namespace files")
    return tuple(sorted(tags))


def _title(flow: Flow) -> str:
    first = (flow.description or "").strip().splitlines()
    if first:
        return first[0].rstrip(".")
    return flow.id.replace("_", " ").replace("-", " ").capitalize()


class Catalogue:
    """The blueprints of a folder, read again when one of its files changes."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._seen: tuple[tuple[str, float], ...] = ()
        self._items: list[Blueprint] = []

    def blueprints(self, ctx: ApiContext) -> list[Blueprint]:
        """Every example that parses, sorted by title; one that does not is left out."""
        folder = next((f for f in FOLDERS if f.is_dir()), None)
        files = sorted(folder.glob("*.y*ml")) if folder else []
        seen = tuple((str(path), path.stat().st_mtime) for path in files)
        with self._lock:
            if seen == self._seen:
                return self._items
        items = []
        for path in files:
            source = path.read_text(encoding="utf-8")
            try:
                flow = ctx.flows.parse(source, path.name)
            except FlowError:
                continue  # `tiercel flow validate examples/` (a test) keeps them valid
            types = dict.fromkeys(task.type for _, task in flow.all_tasks())
            types.update(dict.fromkeys(trigger.type for trigger in flow.triggers or ()))
            items.append(
                Blueprint(
                    id=path.stem,
                    title=_title(flow),
                    description=(flow.description or "").strip(),
                    tags=tags_of(flow, source),
                    included_tasks=tuple(types),
                    source=source,
                    flow=flow,
                    published_at=datetime.fromtimestamp(path.stat().st_mtime, UTC),
                )
            )
        items.sort(key=lambda b: b.title.lower())
        with self._lock:
            self._seen, self._items = seen, items
        return items


_CATALOGUE = Catalogue()


def _ctx(request: Request) -> ApiContext:
    context: ApiContext = request.app.state.ctx
    return context


def _flows_only(kind: str) -> None:
    if kind.lower() != "flow":
        raise ApiError(404, f"No blueprints of kind '{kind}': Tiercel has flow blueprints only")


def _find(request: Request, kind: str, blueprint_id: str) -> Blueprint:
    _flows_only(kind)
    for blueprint in _CATALOGUE.blueprints(_ctx(request)):
        if blueprint.id == blueprint_id:
            return blueprint
    raise ApiError(404, f"Blueprint '{blueprint_id}' not found")


@router.get(_BASE, summary="List the blueprints")
def search_blueprints(
    request: Request,
    kind: str,
    q: str | None = Query(None, description="A text in the title, description or tasks."),
    tags: list[str] = Query(default_factory=list, description="Blueprints with every tag."),
    page: int = Query(1, ge=1),
    size: int = Query(100, ge=1, le=1000),
    sort: str | None = Query(None, description="title:asc (the default) or title:desc."),
) -> dict[str, Any]:
    """Kestra's ``PagedResults`` of blueprints matching ``q`` and every one of ``tags``."""
    _flows_only(kind)
    found = _CATALOGUE.blueprints(_ctx(request))
    if q:
        text = q.lower()
        found = [
            b
            for b in found
            if text in f"{b.title}\n{b.description}\n{' '.join(b.included_tasks)}".lower()
        ]
    wanted = {tag.lower() for tag in tags}
    found = [b for b in found if wanted <= {tag.lower() for tag in b.tags}]
    if sort not in (None, "", "title:asc", "title:desc"):
        raise ApiError(422, f"Invalid sort '{sort}': use title:asc or title:desc")
    if sort == "title:desc":
        found = found[::-1]
    start = (page - 1) * size
    return {"results": [b.item() for b in found[start : start + size]], "total": len(found)}


@router.get(f"{_BASE}/tags", summary="List the blueprints' tags")
def blueprint_tags(request: Request, kind: str) -> list[dict[str, Any]]:
    """Every tag a blueprint carries, as Kestra's ``ApiBlueprintTagItem``."""
    _flows_only(kind)
    names = sorted({tag for b in _CATALOGUE.blueprints(_ctx(request)) for tag in b.tags})
    return [{"id": name, "name": name} for name in names]


@router.get(f"{_BASE}/{{blueprint_id}}", summary="Get a blueprint")
def get_blueprint(request: Request, kind: str, blueprint_id: str) -> dict[str, Any]:
    """One blueprint with its ``source``, as Kestra's ``ApiBlueprintItemWithSource``."""
    blueprint = _find(request, kind, blueprint_id)
    return {**blueprint.item(), "source": blueprint.source, "kind": "FLOW"}


@router.get(
    f"{_BASE}/{{blueprint_id}}/source",
    summary="Get a blueprint's flow",
    response_class=PlainTextResponse,
)
def blueprint_source(request: Request, kind: str, blueprint_id: str) -> PlainTextResponse:
    """The blueprint's flow as YAML."""
    blueprint = _find(request, kind, blueprint_id)
    return PlainTextResponse(blueprint.source, media_type="application/yaml")


@router.get(
    f"{_BASE}/{{blueprint_id}}/graph",
    response_model=FlowGraph,
    response_model_by_alias=True,
    response_model_exclude_none=True,
    summary="Get a blueprint's graph",
)
def blueprint_graph(request: Request, kind: str, blueprint_id: str) -> dict[str, Any]:
    """The blueprint flow's topology, in the shape of ``/flows/{namespace}/{id}/graph``."""
    blueprint = _find(request, kind, blueprint_id)
    return flow_graph(blueprint.flow, task_json)
