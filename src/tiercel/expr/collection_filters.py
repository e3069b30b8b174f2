"""Pebble's and Kestra's filters on numbers and collections (lists and maps)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from tiercel.expr.errors import ExpressionError
from tiercel.expr.filters import is_empty, registrar
from tiercel.expr.javatypes import MapEntry, is_number
from tiercel.expr.runtime import Runtime
from tiercel.expr.values import java_equals, java_str, type_name

FILTERS: dict[str, Callable[..., Any]] = {}
register = registrar(FILTERS)


# --- numbers and generic values --------------------------------------------------------------


@register("abs")
def absolute(rt: Runtime, value: Any) -> Any:
    if value is None:
        return None
    if not is_number(value):
        raise ExpressionError(f"abs expects a number, got {type_name(value)}")
    return abs(value)


@register("default")
def default(rt: Runtime, value: Any, default: Any = None) -> Any:
    return default if is_empty(value) else value


@register("length")
def length(rt: Runtime, value: Any) -> Any:
    if value is None:
        return 0
    if isinstance(value, str | Mapping | list | tuple | set | frozenset):
        return len(value)
    return len(java_str(value))


def _items(value: Any, name: str) -> list[Any]:
    if isinstance(value, list | tuple | set | frozenset):
        return list(value)
    raise ExpressionError(f"The '{name}' filter expects a list, got {type_name(value)}")


@register("first")
def first(rt: Runtime, value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, str):
        return value[:1] or None
    items = _items(value, "first")
    return items[0] if items else None


@register("last")
def last(rt: Runtime, value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, str):
        return value[-1:] or None
    items = _items(value, "last")
    return items[-1] if items else None


@register("join")
def join(rt: Runtime, value: Any, separator: Any = None) -> Any:
    if value is None:
        return None
    glue = "" if separator is None else java_str(separator)
    return glue.join(java_str(item) for item in _items(value, "join"))


@register("merge")
def merge(rt: Runtime, value: Any, items: Any = None) -> Any:
    if value is None:
        if items is None:
            raise ExpressionError("The two arguments to be merged are null")
        return items
    if items is None:
        return value
    if isinstance(value, Mapping):
        if isinstance(items, Mapping):
            return {**value, **items}
        return {**value, **{item: item for item in _items(items, "merge")}}
    if isinstance(value, list | tuple):
        if isinstance(items, Mapping):
            return [*value, *(MapEntry(k, v) for k, v in items.items())]
        return [*value, *_items(items, "merge")]
    raise ExpressionError("The object being filtered is not a Map/List/Array")


@register("reverse")
def reverse(rt: Runtime, value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, str):
        return value[::-1]
    return _items(value, "reverse")[::-1]


def _sorted(value: Any, name: str, descending: bool) -> Any:
    if value is None:
        return None
    try:
        return sorted(_items(value, name), reverse=descending)
    except TypeError as exc:
        raise ExpressionError(f"The '{name}' filter cannot compare the items: {exc}") from exc


@register("sort")
def sort(rt: Runtime, value: Any) -> Any:
    return _sorted(value, "sort", descending=False)


@register("rsort")
def rsort(rt: Runtime, value: Any) -> Any:
    return _sorted(value, "rsort", descending=True)


@register("slice")
def slice_(rt: Runtime, value: Any, fromIndex: Any = None, toIndex: Any = None) -> Any:
    if value is None:
        return None
    if not isinstance(value, str | list | tuple):
        raise ExpressionError(
            "Slice filter can only be applied to String, List and array inputs, "
            f"got {type_name(value)}"
        )
    start = 0 if fromIndex is None else int(fromIndex)
    if start < 0:
        raise ExpressionError("fromIndex must be greater than 0")
    end = len(value) if toIndex is None else int(toIndex)
    if end > len(value):
        raise ExpressionError(f"toIndex must be smaller than input size: {len(value)}")
    if toIndex is not None and start >= end:
        raise ExpressionError("toIndex must be greater than fromIndex")
    return value[start:end] if isinstance(value, str) else list(value[start:end])


@register("chunk")
def chunk(rt: Runtime, value: Any, size: Any = None) -> Any:
    if value is None:
        return None
    if size is None:
        raise ExpressionError("'chunk' filter expects an argument 'size'.")
    items, width = _items(value, "chunk"), int(size)
    if width <= 0:
        raise ExpressionError("'chunk' filter argument 'size' must be positive")
    return [items[i : i + width] for i in range(0, len(items), width)]


@register("flatten")
def flatten(rt: Runtime, value: Any) -> Any:
    if value is None:
        return None
    flat: list[Any] = []
    for item in _items(value, "flatten"):
        flat.extend(item if isinstance(item, list | tuple) else [item])
    return flat


@register("distinct")
def distinct(rt: Runtime, value: Any) -> Any:
    if value is None:
        return "null"  # what Kestra's DistinctFilterTest observes for null input
    unique: list[Any] = []
    for item in _items(value, "distinct"):
        if not any(java_equals(item, seen) and type(item) is type(seen) for seen in unique):
            unique.append(item)
    return unique


@register("keys")
def keys(rt: Runtime, value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, Mapping):
        return list(value.keys())
    return list(range(len(_items(value, "keys"))))


@register("values")
def values(rt: Runtime, value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, Mapping):
        return list(value.values())
    raise ExpressionError(f"The 'values' filter expects a map, got {type_name(value)}")
