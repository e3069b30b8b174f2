"""``/namespaces/{namespace}/kv``: a namespace's key-value store with Kestra's typed values.

A value is written as its JSON text (``"text"``, ``42``, ``true``, ``{"a": 1}``) or as bare
text; bare ISO dates, date-times and durations are stored typed, as Kestra's Ion reader does
with unquoted timestamps. Headers ``ttl`` (an ISO-8601 duration) and ``description`` go with
the value.
"""

import re
from datetime import date, datetime, timedelta
from typing import Any, cast

from fastapi import APIRouter, Request, Response

from tiercel.api.context import ApiContext
from tiercel.api.errors import ApiError
from tiercel.api.received import RawBody
from tiercel.api.refusals import storage_refusals
from tiercel.model import json_text
from tiercel.model.execution import format_instant
from tiercel.model.kv import KVType
from tiercel.model.property import format_duration
from tiercel.storage.kv import KVEntry, parse_duration, validate_key
from tiercel.storage.uris import namespace_segments

router = APIRouter(tags=["kv"])

_BASE = "/namespaces/{namespace}/kv"
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}T.+")


def _ctx(request: Request) -> ApiContext:
    context: ApiContext = request.app.state.ctx
    return context


def _check(namespace: str, key: str | None = None) -> None:
    with storage_refusals():
        namespace_segments(namespace)
        if key is not None:
            validate_key(key)


def entry_json(entry: KVEntry) -> dict[str, Any]:
    """Kestra's ``KVEntry``: a key and its metadata, without the value."""
    return {
        "key": entry.key,
        "description": entry.description,
        "creationDate": format_instant(entry.created_at),
        "updateDate": format_instant(entry.updated_at),
        "expirationDate": None if entry.expires_at is None else format_instant(entry.expires_at),
    }


def typed_value_json(entry: KVEntry) -> dict[str, Any]:
    """Kestra's ``TypedValue``: ``{type, value}``, dates and durations as ISO-8601 text."""
    value = entry.value
    if isinstance(value, datetime):
        value = format_instant(value)
    elif isinstance(value, date):
        value = value.isoformat()
    elif isinstance(value, timedelta):
        value = format_duration(value)
    return {"type": entry.kv_type.value, "value": value}


def parse_value(text: str) -> tuple[Any, KVType | None]:
    """A PUT body as a value and, for bare dates and durations, its type.

    Raises:
        ApiError: The body is empty, or JSON that breaks a limit (``json_text``).
    """
    stripped = text.strip()
    if not stripped:
        raise ApiError(422, "The value is empty: send it as JSON or as text")
    try:
        return json_text.loads(stripped), None
    except json_text.JsonTextError as exc:
        if not exc.syntax:  # JSON, but too deep, too large or unstorable: not text either
            raise ApiError(422, f"The value is refused: {exc}") from None
    if _DATE.fullmatch(stripped):
        try:
            return date.fromisoformat(stripped), KVType.DATE
        except ValueError:
            pass
    if _DATETIME.fullmatch(stripped):
        try:
            moment = datetime.fromisoformat(stripped.replace("Z", "+00:00"))
        except ValueError:
            moment = None
        if moment is not None and moment.utcoffset() is not None:
            return moment, KVType.DATETIME
    if stripped[:1] in ("P", "p", "-", "+"):
        try:
            return parse_duration(stripped), KVType.DURATION
        except ValueError:
            pass
    return stripped, KVType.STRING


@router.get(_BASE)
def list_keys(request: Request, namespace: str) -> list[dict[str, Any]]:
    """The namespace's live keys with their metadata, sorted by key."""
    _check(namespace)
    ctx = _ctx(request)
    listed = [entry_json(entry) for entry in ctx.kv.entries(namespace, now=ctx.clock())]
    return cast(list[dict[str, Any]], ctx.masker.mask_value(listed))


@router.get(f"{_BASE}/inheritance")
def list_inherited_keys(request: Request, namespace: str) -> list[dict[str, Any]]:
    """The keys of the namespace and of each parent namespace, nearest first."""
    _check(namespace)
    ctx = _ctx(request)
    now = ctx.clock()
    parts = namespace.split(".")
    chain = [".".join(parts[:end]) for end in range(len(parts), 0, -1)]
    listed = [
        {"namespace": ns, "kvs": [entry_json(entry) for entry in ctx.kv.entries(ns, now=now)]}
        for ns in chain
    ]
    return cast(list[dict[str, Any]], ctx.masker.mask_value(listed))


@router.delete(_BASE)
def delete_keys(request: Request, namespace: str, raw: RawBody) -> dict[str, list[str]]:
    """Delete the keys a JSON body ``{"keys": [...]}`` lists; answer those that existed."""
    _check(namespace)
    ctx = _ctx(request)
    try:
        body = json_text.loads(raw or b"{}")
    except json_text.JsonTextError as exc:
        raise ApiError(422, f"The body is refused: {exc}") from None
    keys = body.get("keys") if isinstance(body, dict) else None
    if not isinstance(keys, list) or not all(isinstance(key, str) for key in keys):
        raise ApiError(422, 'Send the keys to delete as {"keys": ["a", "b"]}')
    return {"keys": [key for key in keys if ctx.kv.delete(namespace, key)]}


@router.get(f"{_BASE}/{{key}}")
def get_value(request: Request, namespace: str, key: str) -> dict[str, Any]:
    """A live key's value with its type."""
    _check(namespace, key)
    ctx = _ctx(request)
    entry = ctx.kv.get(namespace, key, now=ctx.clock())
    if entry is None:
        raise ApiError(404, f"No value found for key '{key}' in namespace '{namespace}'")
    # The store keeps what a task stored, for the flows that read it; shown, a known secret
    # value (a ``secret()`` a task put there) is masked.
    shown: dict[str, Any] = ctx.masker.mask_value(typed_value_json(entry))
    return shown


@router.put(f"{_BASE}/{{key}}", status_code=200)
def set_value(request: Request, namespace: str, key: str, raw: RawBody) -> Response:
    """Set a key from the body, with the ``ttl`` and ``description`` headers."""
    _check(namespace, key)
    ctx = _ctx(request)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ApiError(422, f"The value is not UTF-8 text: {exc}") from None
    value, kind = parse_value(text)
    ttl_header = request.headers.get("ttl")
    ttl = None
    if ttl_header:
        try:
            ttl = parse_duration(ttl_header)
        except ValueError:
            raise ApiError(
                422, f"Invalid ttl header {ttl_header!r}: expected an ISO-8601 duration (PT1H)"
            ) from None
        if ttl <= timedelta(0):
            raise ApiError(422, f"Invalid ttl header {ttl_header!r}: it must be positive")
    with storage_refusals():
        ctx.kv.set(
            namespace,
            key,
            value,
            now=ctx.clock(),
            kv_type=kind,
            ttl=ttl,
            description=request.headers.get("description"),
        )
    return Response(status_code=200)


@router.delete(f"{_BASE}/{{key}}")
def delete_value(request: Request, namespace: str, key: str) -> bool:
    """Delete a key; tell whether it existed."""
    _check(namespace, key)
    return _ctx(request).kv.delete(namespace, key)
