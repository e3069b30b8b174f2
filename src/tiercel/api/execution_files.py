"""``/executions/{id}/file``: an execution's files in internal storage: download, size and
preview (Kestra's ``file``, ``file/metas`` and ``file/preview``).

Only a file of the execution itself (``kestra:///<ns>/<flow>/executions/<id>/...``) or one
of its flow outside any execution (its state store, say) is served: a path of another
execution, of another flow, of namespace files, or one that tries to leave the storage is
refused before anything is read.
"""

import base64
import codecs
import math
import re
from collections.abc import Iterator
from decimal import Decimal
from typing import Any, BinaryIO
from urllib.parse import quote

from fastapi import APIRouter, Query, Request
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, Field

from tiercel.api.configs import PREVIEW_INITIAL_ROWS, PREVIEW_MAX_ROWS
from tiercel.api.context import ApiContext
from tiercel.api.errors import ApiError
from tiercel.api.refusals import storage_refusals
from tiercel.model.execution import Execution
from tiercel.sdk import ion
from tiercel.storage.errors import StorageFileNotFoundError
from tiercel.storage.uris import (
    execution_id_of,
    execution_uri,
    flow_uri,
    segments_to_uri,
    uri_to_segments,
)

router = APIRouter(tags=["executions"])

PREVIEW_TEXT_BYTES = 2 * 1024 * 1024
"""The most bytes of a file a text or list preview reads (Kestra cuts text at 2 MiB)."""

PREVIEW_BINARY_BYTES = 10 * 1024 * 1024
"""The largest image or PDF previewed whole (as base64); a larger one is to be downloaded."""

IMAGE_EXTENSIONS = frozenset({"jpg", "jpeg", "png", "svg", "gif", "bmp", "webp"})
"""Previewed as images, as Kestra's ``ImageFileRender`` does."""

_CHUNK = 1 << 16
_NOT_PLAIN = re.compile(r'[^\x20-\x7e]|["\\]')
_PATH_HELP = "The internal storage URI of the file: kestra:///<namespace>/<flow>/executions/..."


class FileMetas(BaseModel):
    """Kestra's ``FileMetas``."""

    size: int = Field(description="The size of the file in bytes.")


class FileRender(BaseModel):
    """Kestra's ``FileRender``: the first rows of a file, in a form a page can show."""

    extension: str = Field(description="The file's extension, as in its name.")
    type: str = Field(description="TEXT, LIST (Ion rows), IMAGE or PDF (base64), MARKDOWN.")
    content: Any = Field(description="The text, the list of rows, or the base64 content.")
    max_line: int = Field(alias="maxLine", description="The most rows shown.")
    truncated: bool = Field(description="Whether the file holds more than what is shown.")


def _ctx(request: Request) -> ApiContext:
    context: ApiContext = request.app.state.ctx
    return context


def _checked(ctx: ApiContext, execution_id: str, path: str) -> str:
    """The canonical URI of ``path`` once it is known to be a file of the execution or of
    its flow outside any execution.

    Raises:
        ApiError: 404 for an unknown execution, 422 for a path that is no storage URI or not
            one of the execution's files.
    """
    execution = ctx.executions.get(execution_id)
    if execution is None:
        raise ApiError(404, f"execution '{execution_id}' not found")
    with storage_refusals():
        segments = uri_to_segments(path)
        uri = segments_to_uri(segments)
    if not _belongs(execution, segments):
        owner = execution_id_of(uri)
        whose = f" (it belongs to execution '{owner}')" if owner else ""
        raise ApiError(422, f"'{_short(path)}' is not a file of execution '{execution_id}'{whose}")
    return uri


def _belongs(execution: Execution, segments: tuple[str, ...]) -> bool:
    own = uri_to_segments(execution_uri(execution.namespace, execution.flow_id, execution.id))
    if segments[: len(own)] == own and len(segments) > len(own):
        return True
    flow = uri_to_segments(flow_uri(execution.namespace, execution.flow_id))
    # The flow's own files (its state store...), but nothing under another execution.
    inside = segments[: len(flow)] == flow and len(segments) > len(flow)
    return inside and segments[len(flow)] != "executions"


def _short(text: str) -> str:
    return text if len(text) <= 200 else text[:200] + "..."


def _name(uri: str) -> str:
    return uri_to_segments(uri)[-1]


def _extension(uri: str) -> str:
    name = _name(uri)
    return name.rpartition(".")[2] if "." in name else ""


@router.get(
    "/executions/{execution_id}/file",
    summary="Download a file of an execution",
    response_class=StreamingResponse,
    responses={200: {"content": {"application/octet-stream": {}}}},
)
def download_file(
    request: Request, execution_id: str, path: str = Query(description=_PATH_HELP)
) -> StreamingResponse:
    """The file's content, as an attachment named after the file."""
    ctx = _ctx(request)
    uri = _checked(ctx, execution_id, path)
    stream = _open(ctx, uri)
    name = _name(uri)
    # The plain filename keeps printable ASCII only (a header cannot carry a line break);
    # filename* gives browsers the real name.
    ascii_name = _NOT_PLAIN.sub("_", name)
    disposition = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"
    return StreamingResponse(
        _chunks(stream),
        media_type="application/octet-stream",
        headers={"Content-Disposition": disposition},
    )


@router.get(
    "/executions/{execution_id}/file/metas",
    response_model=FileMetas,
    summary="The size of a file of an execution",
)
def file_metas(
    request: Request, execution_id: str, path: str = Query(description=_PATH_HELP)
) -> FileMetas:
    """Kestra's file metadata: its size."""
    ctx = _ctx(request)
    uri = _checked(ctx, execution_id, path)
    try:
        return FileMetas(size=ctx.storage.size(uri))
    except StorageFileNotFoundError:
        raise ApiError(404, f"file '{_short(path)}' not found") from None


@router.get(
    "/executions/{execution_id}/file/preview",
    response_model=FileRender,
    response_model_by_alias=True,
    summary="The first rows of a file of an execution",
)
def file_preview(
    request: Request,
    execution_id: str,
    path: str = Query(description=_PATH_HELP),
    max_rows: int | None = Query(
        None,
        alias="maxRows",
        ge=1,
        description=f"Rows to show: {PREVIEW_INITIAL_ROWS} by default, at most "
        f"{PREVIEW_MAX_ROWS} (a larger number is lowered to it).",
    ),
    encoding: str = Query(
        "UTF-8", max_length=64, description="The text's character set (UTF-8, ISO-8859-1...)."
    ),
) -> dict[str, Any]:
    """A preview as Kestra's UI shows it: Ion files as a list of rows, images and PDF as
    base64, Markdown and every other file as its first lines of text."""
    ctx = _ctx(request)
    uri = _checked(ctx, execution_id, path)
    try:
        charset = codecs.lookup(encoding).name
    except LookupError:
        raise ApiError(422, f"Unable to preview using encoding '{_short(encoding)}'") from None
    rows = min(max_rows or PREVIEW_INITIAL_ROWS, PREVIEW_MAX_ROWS)
    extension = _extension(uri)
    kind = extension.lower()
    with _open(ctx, uri) as stream:
        if kind in IMAGE_EXTENSIONS or kind == "pdf":
            content: Any = _base64(stream, path)
            shown, truncated = "IMAGE" if kind != "pdf" else "PDF", False
        elif kind == "ion":
            content, truncated = _ion_rows(stream, rows, path)
            shown = "LIST"
        else:
            content, truncated = _text(stream, rows, charset)
            shown = "MARKDOWN" if kind == "md" else "TEXT"
    return {
        "extension": extension,
        "type": shown,
        "content": content,
        "maxLine": rows,
        "truncated": truncated,
    }


def _open(ctx: ApiContext, uri: str) -> BinaryIO:
    try:
        return ctx.storage.open(uri)
    except StorageFileNotFoundError:
        raise ApiError(404, f"file '{_short(uri)}' not found") from None


def _chunks(stream: BinaryIO) -> Iterator[bytes]:
    with stream:
        while chunk := stream.read(_CHUNK):
            yield chunk


def _base64(stream: BinaryIO, path: str) -> str:
    data = stream.read(PREVIEW_BINARY_BYTES + 1)
    if len(data) > PREVIEW_BINARY_BYTES:
        raise ApiError(
            422,
            f"'{_short(path)}' is over {PREVIEW_BINARY_BYTES // (1024 * 1024)} MiB: "
            "download it instead of previewing it",
        )
    return base64.b64encode(data).decode()


def _lines(stream: BinaryIO, rows: int) -> tuple[list[bytes], bool]:
    """Up to ``rows`` lines (without their line break) within ``PREVIEW_TEXT_BYTES``, and
    whether the file holds more."""
    lines: list[bytes] = []
    budget = PREVIEW_TEXT_BYTES
    while len(lines) < rows:
        line = stream.readline(budget + 1)
        if not line:
            return lines, False
        if len(line) > budget:
            lines.append(line[:budget])
            return lines, True
        budget -= len(line)
        lines.append(line.rstrip(b"\n").removesuffix(b"\r"))
    return lines, bool(stream.read(1))


def _text(stream: BinaryIO, rows: int, charset: str) -> tuple[str, bool]:
    lines, truncated = _lines(stream, rows)
    return b"\n".join(lines).decode(charset, errors="replace"), truncated


def _ion_rows(stream: BinaryIO, rows: int, path: str) -> tuple[list[Any], bool]:
    lines, truncated = _lines(stream, rows)
    values = []
    for number, line in enumerate(lines, start=1):
        text = line.decode("utf-8", errors="replace")
        if not text.strip():
            continue
        try:
            values.append(_plain(ion.loads(text)))
        except ion.IonError as exc:
            raise ApiError(
                422, f"'{_short(path)}' line {number} is not Ion: {_short(str(exc))}"
            ) from None
    return values, truncated


def _plain(value: Any) -> Any:
    """An Ion value as JSON can carry it: decimals as numbers, non-finite floats as text."""
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, Decimal):
        if not value.is_finite():
            return str(value)
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, bytes):
        return base64.b64encode(value).decode()
    return value
