"""``a.b``, ``a[b]`` and ``a.method()``: Pebble's attribute resolution on Python values.

Maps are read by key, lists by index; anything missing (a key, an index out of range, an
attribute of null) is an ``UndefinedError``, which is what strict variables mean. Pebble calls
any public Java method; the common ``String``, ``List`` and ``Map`` ones are emulated.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from tiercel.expr.errors import ExpressionError, UndefinedError
from tiercel.expr.javatypes import MapEntry, is_number
from tiercel.expr.values import java_equals, java_str, type_name


def _index(key: Any) -> int | None:
    if isinstance(key, int) and not isinstance(key, bool):
        return key
    if isinstance(key, float) and key.is_integer():
        return int(key)
    if isinstance(key, str) and key.isdigit():
        return int(key)
    return None


def get_attribute(obj: Any, key: Any, pos: int) -> Any:
    """Resolve ``obj.key`` / ``obj[key]`` or raise UndefinedError."""
    if obj is None:
        raise UndefinedError(java_str(key), pos, detail="attempt to get an attribute of null")
    if isinstance(obj, Mapping):
        try:
            return obj[key]
        except (KeyError, TypeError):
            pass
        # Java maps built from JSON have string keys; a numeric subscript still finds them.
        alternate: Any = java_str(key) if not isinstance(key, str) else None
        if alternate is None and isinstance(key, str) and key.lstrip("-").isdigit():
            alternate = int(key)
        if alternate is not None and alternate in obj:
            return obj[alternate]
        raise UndefinedError(java_str(key), pos)
    if isinstance(obj, list | tuple):
        index = _index(key)
        if index is not None and 0 <= index < len(obj):
            return obj[index]
        raise UndefinedError(java_str(key), pos, detail=f"no such index in a list of {len(obj)}")
    if isinstance(obj, MapEntry) and key in ("key", "value"):
        return obj.key if key == "key" else obj.value
    if isinstance(key, str) and key == "empty" and isinstance(obj, str | list | tuple):
        return len(obj) == 0
    if key == "length" and isinstance(obj, str):
        return len(obj)  # Pebble finds String.length() as the property `length`
    if (
        isinstance(key, str)
        and not key.startswith("_")
        and not isinstance(obj, str | bytes | int | float | bool)
        and not is_number(obj)
    ):
        value = getattr(obj, key, _MISSING)
        if value is not _MISSING and not callable(value):
            return value
    raise UndefinedError(java_str(key), pos, detail=f"not an attribute of {type_name(obj)}")


_MISSING = object()


def _str_methods(text: str) -> dict[str, Callable[..., Any]]:
    return {
        "length": lambda: len(text),
        "isEmpty": lambda: not text,
        "isBlank": lambda: not text.strip(),
        "toUpperCase": text.upper,
        "toLowerCase": text.lower,
        "trim": lambda: text.strip("".join(chr(c) for c in range(33))),
        "strip": text.strip,
        "contains": lambda s: java_str(s) in text,
        "startsWith": lambda s: text.startswith(java_str(s)),
        "endsWith": lambda s: text.endswith(java_str(s)),
        "indexOf": lambda s: text.find(java_str(s)),
        "lastIndexOf": lambda s: text.rfind(java_str(s)),
        "substring": lambda a, b=None: text[int(a) : None if b is None else int(b)],
        "charAt": lambda i: text[int(i)],
        "concat": lambda s: text + java_str(s),
        "replace": lambda a, b: text.replace(java_str(a), java_str(b)),
        "replaceAll": lambda a, b: re.sub(a, re.sub(r"\$(\d)", r"\\\1", b), text),
        "replaceFirst": lambda a, b: re.sub(a, re.sub(r"\$(\d)", r"\\\1", b), text, count=1),
        "matches": lambda a: re.fullmatch(a, text) is not None,
        "split": lambda a: _java_split(text, a),
        "equals": lambda other: java_equals(text, other),
        "equalsIgnoreCase": lambda other: isinstance(other, str) and text.lower() == other.lower(),
        "toString": lambda: text,
    }


def _java_split(text: str, pattern: str) -> list[str]:
    parts = re.split(pattern, text)
    while parts and parts[-1] == "":
        parts.pop()  # Java's split drops trailing empty strings
    return parts


def _list_methods(items: list[Any] | tuple[Any, ...]) -> dict[str, Callable[..., Any]]:
    return {
        "size": lambda: len(items),
        "isEmpty": lambda: not items,
        "contains": lambda x: any(java_equals(i, x) for i in items),
        "get": lambda i: items[int(i)],
        "indexOf": lambda x: next((n for n, i in enumerate(items) if java_equals(i, x)), -1),
        "subList": lambda a, b: list(items[int(a) : int(b)]),
        "toString": lambda: java_str(items),
    }


def _map_methods(mapping: Mapping[Any, Any]) -> dict[str, Callable[..., Any]]:
    return {
        "size": lambda: len(mapping),
        "isEmpty": lambda: not mapping,
        "containsKey": lambda k: k in mapping,
        "containsValue": lambda v: any(java_equals(x, v) for x in mapping.values()),
        "get": lambda k: mapping.get(k),
        "getOrDefault": lambda k, d: mapping.get(k, d),
        "keySet": lambda: list(mapping.keys()),
        "values": lambda: list(mapping.values()),
        "entrySet": lambda: [MapEntry(k, v) for k, v in mapping.items()],
        "toString": lambda: java_str(mapping),
    }


def call_method(obj: Any, name: str, args: list[Any], pos: int) -> Any:
    """Emulate ``obj.name(args)`` for the Java methods templates commonly call."""
    if obj is None:
        raise UndefinedError(name, pos, detail="attempt to call a method on null")
    methods: dict[str, Callable[..., Any]]
    if isinstance(obj, str):
        methods = _str_methods(obj)
    elif isinstance(obj, list | tuple):
        methods = _list_methods(obj)
    elif isinstance(obj, Mapping):
        methods = _map_methods(obj)
    else:
        methods = {"toString": lambda: java_str(obj)}
        if is_number(obj):
            methods.update(
                intValue=lambda: int(obj),
                longValue=lambda: int(obj),
                doubleValue=lambda: float(obj),
                floatValue=lambda: float(obj),
            )
    method = methods.get(name)
    if method is None:
        raise ExpressionError(f"Method [{name}] is not available on {type_name(obj)}", offset=pos)
    try:
        return method(*args)
    except (TypeError, ValueError, IndexError, re.error) as exc:
        raise ExpressionError(f"Method [{name}] failed: {exc}", offset=pos) from exc
