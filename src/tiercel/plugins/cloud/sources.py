"""The ``from`` of upload tasks: one URI, a list of URIs, or a map of names to URIs."""

import json
from datetime import UTC, datetime
from typing import Any
from urllib.parse import unquote, urlsplit

from tiercel.sdk import TaskFailure


def file_name(uri: str) -> str:
    """The last path segment of a URI."""
    return unquote(urlsplit(uri).path.rstrip("/").rsplit("/", 1)[-1])


def sources(rendered: Any) -> dict[str, str]:
    """``from`` rendered, as target names to source URIs.

    A string is one URI, or a JSON array or object of them; a list names each file by its
    URI's last segment; a map names them by its keys.

    Raises:
        TaskFailure: an empty or malformed value.
    """
    value = rendered
    if isinstance(value, str):
        text = value.strip()
        if text.startswith(("[", "{")):
            try:
                value = json.loads(text)
            except json.JSONDecodeError as exc:
                raise TaskFailure(f"'from' is not valid JSON: {exc}") from None
        else:
            value = [text]
    if isinstance(value, dict):
        found = {str(name): str(uri) for name, uri in value.items()}
    elif isinstance(value, list):
        found = {file_name(str(uri)): str(uri) for uri in value}
    else:
        raise TaskFailure("'from' must be a URI, a list of URIs or a map of names to URIs")
    if not found:
        raise TaskFailure(
            "No files to upload: the 'from' property contains an empty collection or array"
        )
    return found


def joined(prefix: str, name: str) -> str:
    """``prefix/name`` with exactly one slash between them."""
    return f"{prefix.rstrip('/')}/{name}" if prefix else name


def instant(moment: datetime | None) -> str | None:
    """A time as Java's ``Instant.toString`` writes it: UTC, ``Z``, no zero fraction."""
    if moment is None:
        return None
    utc = moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)
    text = utc.strftime("%Y-%m-%dT%H:%M:%S")
    if utc.microsecond:
        fraction = f"{utc.microsecond:06d}"
        text += "." + (fraction[:3] if fraction.endswith("000") else fraction)
    return text + "Z"


def present(values: dict[str, Any]) -> dict[str, Any]:
    """Outputs without their null fields, as Kestra's JSON leaves them out."""
    return {name: value for name, value in values.items() if value is not None}
