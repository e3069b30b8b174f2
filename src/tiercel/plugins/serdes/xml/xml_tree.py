"""XML elements read into structs the way Kestra's reader (org.json's ``XML``) reads them:
an element's attributes and children become fields, repeated children a list, text alone
the value itself, numbers and booleans typed; and the JSON Pointer its ``query`` takes."""

from decimal import Decimal, InvalidOperation
from typing import Any

from tiercel.sdk import TaskFailure

MAX_DEPTH = 500
"""Deeper documents are refused: they serve no data file and only exhaust the stack."""


class XmlTree:
    """Builds the document from ``iterparse`` events, clearing each element once read, so the
    parsed tree is never held twice."""

    def __init__(self, force_list: set[str]) -> None:
        self.force_list = force_list
        self.stack: list[dict[str, Any]] = [{}]

    def feed(self, event: str, element: Any) -> None:
        """One ``start`` or ``end`` event.

        Raises:
            TaskFailure: Nesting over ``MAX_DEPTH``.
        """
        if event == "start":
            if len(self.stack) > MAX_DEPTH:
                raise TaskFailure(f"The XML nests elements over {MAX_DEPTH} deep")
            self.stack.append({k: _typed(v) for k, v in element.attrib.items()})
            return
        fields = self.stack.pop()
        text = (element.text or "").strip()
        value: Any
        if not fields:
            value = _typed(text) if text else ""
        else:
            if text:
                _add(fields, "content", _typed(text), False)
            value = fields
        _add(self.stack[-1], _local(element.tag), value, _local(element.tag) in self.force_list)
        element.clear()

    def result(self) -> dict[str, Any]:
        """The document: its root element's name and content."""
        return self.stack[0]


def _add(fields: dict[str, Any], name: str, value: Any, force: bool) -> None:
    if name not in fields:
        fields[name] = [value] if force else value
    elif isinstance(fields[name], list) and (force or getattr(fields[name], "_many", False)):
        fields[name].append(value)
    else:
        fields[name] = _Many([fields[name], value])


class _Many(list[Any]):
    """A list made of repeated elements (one more is appended, not nested)."""

    _many = True


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1] if tag.startswith("{") else tag


def _typed(text: str) -> Any:
    """Text as org.json reads it: true, false, null, numbers; anything else stays text."""
    lowered = text.lower()
    if lowered == "true":
        return True
    if lowered == "false":
        return False
    if lowered == "null":
        return None
    if text[:1].isdigit() or (text[:1] == "-" and text[1:2].isdigit()):
        if text.lstrip("-").isdigit() and not (
            text.lstrip("-").startswith("0") and len(text.lstrip("-")) > 1
        ):
            return int(text)
        if any(c in text for c in ".eE"):
            try:
                number = Decimal(text)
            except InvalidOperation:
                return text
            return number if number.is_finite() else text
    return text


def pointer(document: Any, query: str) -> Any:
    """The value at a JSON Pointer (RFC 6901); None where there is none, as Kestra answers."""
    if query in ("", "/"):
        return document if query == "" else None
    if not query.startswith("/"):
        raise TaskFailure(f"`query` must be a JSON Pointer starting with '/', not '{query}'")
    current = document
    for raw in query[1:].split("/"):
        part = raw.replace("~1", "/").replace("~0", "~")
        if isinstance(current, dict) and part in current:
            current = current[part]
        elif isinstance(current, list) and part.isdigit() and int(part) < len(current):
            current = current[int(part)]
        else:
            return None
    return current
