"""Documents to ingest, from the four sources ``rag.IngestDocument`` reads, with the metadata
langchain4j's loaders give them."""

import ipaddress
import socket
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import httpx

from tiercel.plugins.ai.domain.segments import Segment
from tiercel.sdk import RunContext, TaskFailure

URL_TIMEOUT = 60.0


def from_path(ctx: RunContext, relative: str) -> Iterator[Segment]:
    """Every file under a path of the working directory, recursively, never outside it."""
    root = ctx.working_dir().resolve()
    target = (root / relative).resolve()
    if not target.is_relative_to(root):
        raise TaskFailure(f"fromPath '{relative}' is outside the task's working directory")
    if not target.exists():
        raise TaskFailure(f"fromPath '{relative}' does not exist in the working directory")
    files = [target] if target.is_file() else sorted(p for p in target.rglob("*") if p.is_file())
    for path in files:
        yield Segment(
            _text(path.read_bytes(), str(path.relative_to(root))),
            {"file_name": path.name, "absolute_directory_path": str(path.parent)},
        )


def from_internal(ctx: RunContext, uri: str) -> Segment:
    """A file of internal storage."""
    if not ctx.files.exists(uri):
        raise TaskFailure(f"No file at {uri}")
    return Segment(_text(ctx.files.read_bytes(uri), uri))


def from_url(url: str) -> Segment:
    """A document fetched over HTTP(S); never from the link-local range, where cloud
    metadata services (and their credentials) live."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise TaskFailure(f"fromExternalURLs: '{url}' is not an http(s) URL")
    try:
        address = ipaddress.ip_address(socket.gethostbyname(parts.hostname))
    except (OSError, ValueError):
        address = None  # unresolvable: httpx reports it below
    if address is not None and address.is_link_local:
        raise TaskFailure(f"fromExternalURLs: '{url}' is a link-local address, not allowed")
    try:
        response = httpx.get(url, timeout=URL_TIMEOUT, follow_redirects=True)
    except httpx.HTTPError as exc:
        raise TaskFailure(f"Unable to download {url}: {exc}") from None
    if response.status_code >= 400:
        raise TaskFailure(f"Unable to download {url}: HTTP {response.status_code}")
    return Segment(_text(response.content, url), {"url": url})


def inline(text: str, metadata: dict[str, Any] | None) -> Segment:
    """A document written in the flow."""
    return Segment(text, dict(metadata or {}))


def _text(data: bytes, where: str) -> str:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise TaskFailure(
            f"{where} is not UTF-8 text: only text documents can be ingested"
        ) from None
    if not text.strip():
        raise TaskFailure(f"{where} is empty: there is nothing to embed")
    return text
