"""``/namespaces/{namespace}/files``: a namespace's files: read, upload (one file or a zip),
move, delete, list a directory, stats, search and export as a zip.

Paths are relative to the namespace, with or without a leading ``/`` as Kestra's UI sends
them; the storage refuses ``..``, backslashes and NUL, and ``_flows`` is reserved as in
Kestra: a file uploaded there is deployed as a flow of the namespace, not stored.
"""

import io
import re
import zipfile
from collections.abc import Iterator
from typing import Any, BinaryIO

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import StreamingResponse
from starlette.datastructures import UploadFile

from tiercel.api.context import ApiContext
from tiercel.api.errors import ApiError
from tiercel.api.received import ReceivedBody
from tiercel.api.refusals import storage_refusals
from tiercel.storage.namespace_files import StorageNamespaceFiles
from tiercel.storage.uris import (
    NAMESPACE_FILES_DIR,
    namespace_segments,
    segments_to_uri,
    split_path,
)

router = APIRouter(tags=["files"])

FLOWS_FOLDER = "_flows"
"""Kestra's reserved folder: uploading ``_flows/<name>.yaml`` deploys a flow."""

_BASE = "/namespaces/{namespace}/files"
_CHUNK = 1 << 16
_NAMESPACE_LINE = re.compile(r"(?m)^namespace: .*$")


def _ctx(request: Request) -> ApiContext:
    context: ApiContext = request.app.state.ctx
    return context


def _files(request: Request) -> StorageNamespaceFiles:
    return StorageNamespaceFiles(_ctx(request).storage)


def _segments(raw: str | None) -> tuple[str, ...]:
    """A path's segments, refusing what is not a path inside the namespace."""
    if raw is None:
        return ()
    if "://" in raw:
        raise ApiError(422, f"Invalid path {raw!r}: give a path inside the namespace, not a URI")
    with storage_refusals():
        return split_path(raw, what="namespace file path")


def _path(raw: str | None) -> str:
    """A path outside ``_flows``, normalised (no leading ``/``)."""
    segments = _segments(raw)
    if segments[:1] == (FLOWS_FOLDER,):
        raise ApiError(422, f"Forbidden path: /{'/'.join(segments)}")
    return "/".join(segments)


def attributes_json(name: str, *, directory: bool, size: int = 0) -> dict[str, Any]:
    """Kestra's ``FileAttributes`` of a file or a directory.

    The storage port keeps no creation or modification times, so those are null.
    """
    return {
        "fileName": name,
        "lastModifiedTime": None,
        "creationTime": None,
        "type": "Directory" if directory else "File",
        "size": size,
        "metadata": {},
    }


@router.get(f"{_BASE}/search")
def search_files(request: Request, namespace: str, q: str = "") -> list[str]:
    """The paths of the namespace's files that contain ``q``."""
    with storage_refusals():
        found = _files(request).list(namespace)
    return [f"/{file.path}" for file in found if q in file.path]


@router.get(f"{_BASE}/stats")
def file_stats(request: Request, namespace: str, path: str | None = None) -> dict[str, Any]:
    """The attributes of a file or directory; the namespace root always exists."""
    relative = _path(path)
    if not relative:
        return attributes_json("", directory=True)
    files = _files(request)
    name = relative.rsplit("/", 1)[-1]
    with storage_refusals():
        if files.exists(namespace, relative):
            size = _ctx(request).storage.size(_file_uri(namespace, relative))
            return attributes_json(name, directory=False, size=size)
        if files.list(namespace, relative):
            return attributes_json(name, directory=True)
    raise ApiError(404, f"File not found: /{relative} in namespace '{namespace}'")


@router.get(f"{_BASE}/directory")
def list_directory(
    request: Request, namespace: str, path: str | None = None
) -> list[dict[str, Any]]:
    """The files and folders directly in a directory; the root of a namespace without files
    is empty, another missing directory a 404."""
    relative = _path(path)
    files = _files(request)
    storage = _ctx(request).storage
    depth = len(relative.split("/")) if relative else 0
    with storage_refusals():
        found = files.list(namespace, relative)
        if not found and relative:
            if files.exists(namespace, relative):
                raise ApiError(422, f"Not a directory: /{relative}")
            raise ApiError(404, f"Directory not found: /{relative} in namespace '{namespace}'")
        children: dict[str, dict[str, Any]] = {}
        for file in found:
            rest = file.path.split("/")[depth:]
            if len(rest) == 1:
                children[rest[0]] = attributes_json(
                    rest[0], directory=False, size=storage.size(file.uri)
                )
            else:
                children.setdefault(rest[0], attributes_json(rest[0], directory=True))
    return [children[name] for name in sorted(children)]


@router.post(f"{_BASE}/directory", status_code=200)
def create_directory(namespace: str, path: str | None = None) -> Response:
    """Accept a new directory.

    Directories exist through the files in them (the storage is object-store shaped), so an
    empty one is not kept: this checks the path and answers as Kestra does.
    """
    _path(path)
    with storage_refusals():
        namespace_segments(namespace)
    return Response(status_code=200)


@router.get(_BASE)
def file_content(request: Request, namespace: str, path: str) -> StreamingResponse:
    """A file's bytes."""
    relative = _path(path)
    with storage_refusals():
        stream = _files(request).open(namespace, relative)
    return StreamingResponse(
        _chunks(stream),
        media_type="application/octet-stream",
        headers={"Cache-Control": "no-cache"},
    )


@router.post(_BASE, status_code=200)
def upload_file(request: Request, namespace: str, path: str, received: ReceivedBody) -> Response:
    """Store the multipart part ``fileContent`` at ``path``; a ``.zip`` upload is extracted
    into the namespace; a file under ``_flows/`` is deployed as a flow of the namespace."""
    ctx = _ctx(request)
    segments = _segments(path)
    if received.kind != "multipart/form-data" or received.fields is None:
        raise ApiError(415, "Upload the file as multipart/form-data, in a part named fileContent")
    # As Starlette's form.get: the last part of that name.
    upload = next((v for n, v in reversed(received.fields) if n == "fileContent"), None)
    if not isinstance(upload, UploadFile):
        raise ApiError(422, "The multipart part 'fileContent' (a file) is missing")
    if (upload.filename or "").lower().endswith(".zip"):
        _extract(ctx, namespace, upload.file)
    elif segments[:1] == (FLOWS_FOLDER,):
        _import_flow(ctx, namespace, segments, upload.file)
    else:
        with storage_refusals():
            if not segments:
                raise ApiError(422, "The path names no file")
            StorageNamespaceFiles(ctx.storage).write(namespace, "/".join(segments), upload.file)
    return Response(status_code=200)


@router.put(_BASE, status_code=200)
def move_file(
    request: Request,
    namespace: str,
    source: str = Query(alias="from"),
    target: str = Query(alias="to"),
) -> Response:
    """Move a file or a directory."""
    src, dst = _path(source), _path(target)
    with storage_refusals():
        _files(request).move(namespace, src, dst)
    return Response(status_code=200)


@router.delete(_BASE, status_code=200)
def delete_file(request: Request, namespace: str, path: str) -> Response:
    """Delete a file, or a directory and everything in it."""
    relative = _path(path)
    with storage_refusals():
        deleted = _files(request).delete(namespace, relative)
    if not deleted:
        raise ApiError(404, f"File not found: /{relative} in namespace '{namespace}'")
    return Response(status_code=200)


@router.get(f"{_BASE}/export")
def export_files(request: Request, namespace: str) -> Response:
    """Every file of the namespace in one zip."""
    files = _files(request)
    buffer = io.BytesIO()
    with storage_refusals(), zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for file in files.list(namespace):
            archive.writestr(file.path, files.read(namespace, file.path))
    return Response(
        buffer.getvalue(),
        media_type="application/octet-stream",
        headers={
            "Content-Disposition": f'attachment; filename="{namespace}_files.zip"',
            "Cache-Control": "no-cache",
        },
    )


def _chunks(stream: BinaryIO) -> Iterator[bytes]:
    try:
        while chunk := stream.read(_CHUNK):
            yield chunk
    finally:
        stream.close()


def _file_uri(namespace: str, path: str) -> str:
    # The layout ``StorageNamespaceFiles`` documents: ``kestra:///<ns path>/_files/<path>``.
    root = (*namespace_segments(namespace), NAMESPACE_FILES_DIR)
    return segments_to_uri((*root, *split_path(path)))


def _extract(ctx: ApiContext, namespace: str, data: BinaryIO) -> None:
    """Write each file of a zip; the entries' total size is capped like an upload, so a
    small archive cannot unpack into an unbounded amount of data."""
    files = StorageNamespaceFiles(ctx.storage)
    budget = ctx.max_upload_bytes
    try:
        archive = zipfile.ZipFile(data)
    except zipfile.BadZipFile as exc:
        raise ApiError(422, f"The upload is not a valid zip: {exc}") from None
    with archive, storage_refusals():
        for info in archive.infolist():
            if info.is_dir():
                continue
            with archive.open(info) as entry:
                content = entry.read(budget + 1)
            budget -= len(content)
            if budget < 0:
                raise ApiError(413, f"The zip unpacks to more than {ctx.max_upload_bytes} bytes")
            segments = _segments(info.filename)
            if segments[:1] == (FLOWS_FOLDER,):
                _import_flow(ctx, namespace, segments, io.BytesIO(content))
            else:
                files.write(namespace, "/".join(segments), content)


def _import_flow(
    ctx: ApiContext, namespace: str, segments: tuple[str, ...], data: BinaryIO
) -> None:
    """Deploy ``_flows/<file>`` as a flow of ``namespace``, whatever namespace it names."""
    if len(segments) != 2:
        raise ApiError(422, f"Invalid flow file path: /{'/'.join(segments)}")
    try:
        source = data.read().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ApiError(422, f"The flow is not UTF-8 text: {exc}") from None
    ctx.flows.deploy(_NAMESPACE_LINE.sub(f"namespace: {namespace}", source, count=1))
