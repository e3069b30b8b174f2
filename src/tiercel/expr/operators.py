"""The binary operators that need more than one line: contains, isIn/notIn, ranges."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from tiercel.expr.errors import ExpressionError
from tiercel.expr.functions import inclusive_range
from tiercel.expr.values import arithmetic, compare, java_equals, java_str, type_name


def contains(op: str, container: Any, item: Any) -> bool:
    if container is None:
        return False
    if isinstance(container, list | tuple | set | frozenset):
        wanted = item if isinstance(item, list | tuple) else [item]
        return all(any(java_equals(c, w) for c in container) for w in wanted)
    if isinstance(container, Mapping):
        try:
            return item in container
        except TypeError:
            return False
    if isinstance(container, str):
        return java_str(item) in container
    raise ExpressionError(
        "Contains operator can only be used on Collections, Maps and arrays. "
        f"Actual type was: {type_name(container)}"
    )


def is_in(op: str, item: Any, container: Any) -> bool:
    found = False
    if item is not None and container is not None:
        text = java_str(item)
        if isinstance(container, Mapping):
            found = any(java_str(k) == text or java_str(v) == text for k, v in container.items())
        elif isinstance(container, list | tuple | set | frozenset):
            found = any(java_str(x) == text for x in container)
    return found if op == "isIn" else not found


def range_operator(op: str, start: Any, end: Any) -> list[Any]:
    return inclusive_range(start, end, None)


OPERATIONS: dict[str, Callable[[str, Any, Any], Any]] = {
    "+": arithmetic,
    "-": arithmetic,
    "*": arithmetic,
    "/": arithmetic,
    "%": arithmetic,
    "<": lambda op, a, b: compare(a, b, op),
    "<=": lambda op, a, b: compare(a, b, op),
    ">": lambda op, a, b: compare(a, b, op),
    ">=": lambda op, a, b: compare(a, b, op),
    "contains": contains,
    "isIn": is_in,
    "notIn": is_in,
    "..": range_operator,
}
