"""``/namespaces``: the namespaces that hold flows (and those above them), as Kestra's
``NamespaceController`` lists them, and one namespace by id."""

from typing import Any

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel

from tiercel.api.configs import SYSTEM_NAMESPACE
from tiercel.api.context import ApiContext
from tiercel.api.errors import ApiError
from tiercel.api.refusals import storage_refusals
from tiercel.storage.paging import MAX_OFFSET
from tiercel.storage.uris import namespace_segments

router = APIRouter(tags=["namespaces"])


class Namespace(BaseModel):
    """Kestra's ``Namespace``."""

    id: str
    deleted: bool = False


class NamespaceWithDisabled(BaseModel):
    """A namespace as Kestra's search lists it."""

    id: str
    disabled: bool = True


class PagedNamespaces(BaseModel):
    """A page of namespaces and how many match in all."""

    results: list[NamespaceWithDisabled]
    total: int


def _ctx(request: Request) -> ApiContext:
    context: ApiContext = request.app.state.ctx
    return context


def with_parents(namespaces: list[str]) -> list[str]:
    """Each namespace and every one above it (``a.b.c`` gives ``a``, ``a.b``, ``a.b.c``),
    once each, in code-point order."""
    tree: set[str] = set()
    for namespace in namespaces:
        parts = namespace.split(".")
        tree.update(".".join(parts[: depth + 1]) for depth in range(len(parts)))
    return sorted(tree)


@router.get(
    "/namespaces/search",
    response_model=PagedNamespaces,
    summary="Namespaces of the flows, those above them included",
)
def search_namespaces(
    request: Request,
    q: str | None = Query(None, max_length=1000, description="A text in the namespace."),
    page: int = Query(1, ge=1, description="The page, from 1."),
    size: int = Query(10, ge=1, le=10_000, description="Namespaces a page."),
    sort: str | None = Query(None, description="id:asc (the default) or id:desc."),
) -> dict[str, Any]:
    """Every namespace holding a flow and each namespace above it, plus Kestra's ``system``
    namespace, filtered by ``q`` (ignoring case), a page at a time. The distinct namespaces
    come from SQL; their number is that of namespaces, not of flows."""
    names = with_parents([*_ctx(request).flows.namespaces(), SYSTEM_NAMESPACE])
    if q:
        needle = q.lower()
        names = [name for name in names if needle in name.lower()]
    if sort is not None:
        field, _, direction = sort.partition(":")
        if field not in ("id", "namespace") or direction.lower() not in ("", "asc", "desc"):
            raise ApiError(422, f"cannot sort namespaces by '{sort[:80]}': use id:asc or id:desc")
        if direction.lower() == "desc":
            names.reverse()
    offset = (page - 1) * size
    shown = names[offset : offset + size] if offset < MAX_OFFSET else []
    return {"results": [{"id": name, "disabled": True} for name in shown], "total": len(names)}


@router.get("/namespaces/{namespace}", response_model=Namespace, summary="A namespace")
def get_namespace(request: Request, namespace: str) -> dict[str, Any]:
    """The namespace, as Kestra answers it for any valid name (a namespace exists as soon as
    something is put in it); a name that is not a namespace is refused."""
    with storage_refusals():
        namespace_segments(namespace)
    return {"id": namespace, "deleted": False}
