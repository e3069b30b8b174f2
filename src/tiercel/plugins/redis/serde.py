"""Kestra's ``SerdeType`` for Redis values (not a plugin): text as it is, or JSON."""

import json
from enum import StrEnum
from typing import Any

from tiercel.sdk import TaskFailure


class SerdeType(StrEnum):
    """How values are written to and read from Redis."""

    STRING = "STRING"
    JSON = "JSON"

    def serialize(self, value: Any) -> str:
        """The text stored for ``value``; JSON text is checked and kept as it is.

        Raises:
            TaskFailure: ``value`` is text that is not JSON, with ``JSON``.
        """
        if self is SerdeType.STRING:
            return _text(value)
        if isinstance(value, str):
            try:
                json.loads(value)
            except ValueError as exc:
                raise TaskFailure(f"serdeType JSON: the value is not JSON: {exc}") from None
            return value
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False)

    def deserialize(self, stored: bytes | str | None) -> Any:
        """The value of stored text (None stays None).

        Raises:
            TaskFailure: The text is not JSON, with ``JSON``.
        """
        if stored is None:
            return None
        text = stored.decode() if isinstance(stored, bytes) else stored
        if self is SerdeType.STRING:
            return text
        try:
            return json.loads(text)
        except ValueError as exc:
            raise TaskFailure(f"serdeType JSON: a stored value is not JSON: {exc}") from None


def _text(value: Any) -> str:
    # Java's String.valueOf: booleans lower case, maps and lists as JSON-like text.
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)
