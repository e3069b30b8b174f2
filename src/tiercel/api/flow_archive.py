"""Flows in and out as a zip of YAML files, as Kestra's flow export and import.

``GET /flows/export/by-query`` and ``POST /flows/export/by-ids`` answer a zip holding one
``<namespace>.<id>.yml`` per flow, its source exactly as deployed. ``POST /flows/import`` takes
that zip (or one YAML file) in the multipart field ``fileUpload`` and deploys every flow in it.
An import is all or nothing: every file is read and checked first, and one bad file (not YAML,
not UTF-8, not a valid flow) refuses the whole upload with a 422 naming the file and line, so
a half-imported set never runs. A damaged zip, or one that would unpack to more than
``MAX_FILES`` files or ``MAX_BYTES`` bytes, is refused before anything is unpacked.
"""

import io
import zipfile
from collections.abc import Iterable
from typing import Any

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel
from starlette.datastructures import UploadFile

from tiercel.api.context import ApiContext
from tiercel.api.errors import ApiError
from tiercel.api.flows import flow_json
from tiercel.api.received import ReceivedBody
from tiercel.ops.flows import Deployed, FlowError, FlowNotFoundError
from tiercel.storage.paging import FlowFilter, Sort

router = APIRouter(tags=["flows"])

MAX_FILES = 5_000
"""The most files an imported zip may hold."""
MAX_BYTES = 100 * 1024 * 1024
"""The most bytes an imported zip may unpack to."""
MAX_EXPORT = 10_000
"""The most flows one export by query may hold, as the bulk routes."""
_PAGE = 500
_YAML = (".yml", ".yaml")


class FlowId(BaseModel):
    """Kestra's ``IdWithNamespace``."""

    namespace: str
    id: str


def _ctx(request: Request) -> ApiContext:
    context: ApiContext = request.app.state.ctx
    return context


def _zip(flows: Iterable[Deployed]) -> Response:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for deployed in flows:
            name = f"{deployed.flow.namespace}.{deployed.flow.id}.yml"
            archive.writestr(name, deployed.record.source)
    return Response(
        buffer.getvalue(),
        media_type="application/octet-stream",
        headers={
            "Content-Disposition": 'attachment; filename="flows.zip"',
            "Cache-Control": "no-cache",
        },
    )


@router.get("/flows/export/by-query", response_class=Response)
def export_by_query(
    request: Request, namespace: str | None = None, q: str | None = None
) -> Response:
    """A zip of the current flows of a namespace (and those under it) and/or matching a text."""
    flows = _ctx(request).flows
    where = FlowFilter(namespace=namespace or None, text=q or None)
    order = [Sort.parse("namespace:asc"), Sort.parse("id:asc")]
    first = flows.search(where, 1, _PAGE, order)
    if first.total > MAX_EXPORT:
        raise ApiError(
            422, f"{first.total} flows match: an export holds at most {MAX_EXPORT}; narrow it"
        )
    found = [item for item in first.results if isinstance(item, Deployed)]
    for page in range(2, (first.total + _PAGE - 1) // _PAGE + 1):
        more = flows.search(where, page, _PAGE, order).results
        found.extend(item for item in more if isinstance(item, Deployed))
    return _zip(found)


@router.post("/flows/export/by-ids", response_class=Response)
def export_by_ids(request: Request, ids: list[FlowId]) -> Response:
    """A zip of the given flows; an unknown one is a 404 naming it."""
    flows = _ctx(request).flows
    found = []
    for item in ids:
        try:
            found.append(flows.get(item.namespace, item.id))
        except FlowNotFoundError as exc:
            raise ApiError(404, str(exc)) from None
    return _zip(found)


@router.post("/flows/import")
def import_flows(request: Request, body: ReceivedBody) -> list[dict[str, Any]]:
    """Deploy every flow of an uploaded zip of YAML files (or of one YAML file), all or none;
    answers the deployed flows."""
    upload = _upload(body.fields)
    name = upload.filename or "upload"
    data = upload.file.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise ApiError(413, f"'{name}' is larger than {MAX_BYTES // (1024 * 1024)} MiB")
    if name.lower().endswith(_YAML):
        files = [(name, data)]
    elif name.lower().endswith(".zip") or zipfile.is_zipfile(io.BytesIO(data)):
        files = _unzip(name, data)
    else:
        raise ApiError(422, f"'{name}' is neither a zip archive nor a YAML file (.yml, .yaml)")
    flows = _ctx(request).flows
    sources: list[str] = []
    errors: list[dict[str, object]] = []
    for file_name, content in files:
        try:
            source = content.decode("utf-8")
        except UnicodeDecodeError:
            errors.append({"path": file_name, "message": f"{file_name}: not UTF-8 text"})
            continue
        try:
            flows.parse(source, file_name)
        except FlowError as exc:
            errors.extend({"path": file_name, "message": str(p)} for p in exc.problems)
            continue
        sources.append(source)
    if errors:
        first = errors[0]["message"]
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        raise ApiError(422, f"Nothing imported: {first}{more}", errors)
    return [flow_json(flows.deploy(source), source=False) for source in sources]


def _upload(fields: Iterable[tuple[str, str | UploadFile]] | None) -> UploadFile:
    for key, value in fields or ():
        if key == "fileUpload" and isinstance(value, UploadFile):
            return value
    raise ApiError(422, "Send the file as multipart/form-data in the field 'fileUpload'")


def _unzip(name: str, data: bytes) -> list[tuple[str, bytes]]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = [info for info in archive.infolist() if not info.is_dir()]
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ApiError(422, f"'{name}' is not a readable zip archive: {exc}") from None
    yaml = [info for info in entries if info.filename.lower().endswith(_YAML)]
    if not yaml:
        raise ApiError(422, f"'{name}' holds no YAML file (.yml, .yaml)")
    if len(yaml) > MAX_FILES:
        raise ApiError(422, f"'{name}' holds {len(yaml)} YAML files: at most {MAX_FILES}")
    # The sizes a zip declares can lie: count what is actually unpacked, too.
    if sum(info.file_size for info in yaml) > MAX_BYTES:
        raise ApiError(413, f"'{name}' unpacks to more than {MAX_BYTES // (1024 * 1024)} MiB")
    files = []
    left = MAX_BYTES
    try:
        for info in yaml:
            with archive.open(info) as member:
                content = member.read(left + 1)
            left -= len(content)
            if left < 0:
                raise ApiError(413, f"'{name}' unpacks to more than {MAX_BYTES // 1048576} MiB")
            files.append((info.filename, content))
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError) as exc:
        raise ApiError(422, f"'{name}' is damaged: {exc}") from None
    return files
