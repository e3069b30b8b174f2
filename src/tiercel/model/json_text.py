"""JSON read from outside (request bodies, KV values) with the limits a server needs.

Python's ``json.loads`` accepts what a hostile or careless client can turn into a crash
later: nesting that ends in ``RecursionError`` (while parsing or in the first recursive code
that walks the value), integers over the interpreter's 4,300-digit conversion limit (a
``ValueError``), ``NaN``/``Infinity`` and numbers that overflow to infinity (which no JSON
writer can write back) and lone UTF-16 surrogates (which no UTF-8 encoder can store). Each is
refused here, with one line saying what is wrong, before anything is done with the value.
"""

import json
import math
import re
from typing import Any

MAX_DEPTH = 200
"""The deepest nesting of arrays and objects accepted, as for flow YAML."""

MAX_INT_DIGITS = 4300
"""Python's own limit for converting decimal text to an integer."""

_SURROGATE_ESCAPE = re.compile(r"\\[uU][dD][89a-fA-F]")


class JsonTextError(ValueError):
    """The text is refused; the message says why in one line.

    Attributes:
        syntax: True when the text is not JSON at all (a caller may then read it as plain
            text), False when it is JSON that breaks a limit (too deep, a number too large,
            a lone surrogate).
    """

    def __init__(self, message: str, *, syntax: bool) -> None:
        super().__init__(message)
        self.syntax = syntax


def _refuse_constant(name: str) -> Any:
    raise JsonTextError(f"'{name}' is not a finite number, which JSON cannot hold", syntax=False)


def _parse_int(text: str) -> int:
    digits = len(text.lstrip("-"))
    if digits > MAX_INT_DIGITS:
        raise JsonTextError(
            f"a number of {digits} digits is too large (at most {MAX_INT_DIGITS})", syntax=False
        )
    return int(text)


def _parse_float(text: str) -> float:
    value = float(text)
    if math.isinf(value):
        raise JsonTextError(f"the number {text[:40]} is not a finite number", syntax=False)
    return value


def loads(raw: bytes | str) -> Any:
    """The value of a JSON document, within the limits above.

    Args:
        raw: The document, as UTF-8 bytes or text.

    Returns:
        The value: dicts, lists, str, int, float, bool and None only.

    Raises:
        JsonTextError: The text is not JSON (``syntax``), or it breaks a limit.
    """
    if isinstance(raw, bytes):
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise JsonTextError(f"not UTF-8 text: {exc}", syntax=True) from None
    else:
        text = raw
    try:
        value = json.loads(
            text,
            parse_int=_parse_int,
            parse_float=_parse_float,
            parse_constant=_refuse_constant,
        )
    except RecursionError:
        raise JsonTextError(_too_deep(), syntax=False) from None
    except json.JSONDecodeError as exc:
        raise JsonTextError(f"not valid JSON: {exc}", syntax=True) from None
    # Cheap counts first: most documents are too shallow, and carry no escaped surrogate, to
    # need the walk below.
    nested = text.count("[") + text.count("{") > MAX_DEPTH
    escaped = _SURROGATE_ESCAPE.search(text) is not None
    if nested or escaped:
        _check(value)
    return value


def _too_deep() -> str:
    return f"nested more than {MAX_DEPTH} levels deep"


def _check(value: Any) -> None:
    """Walk the value without recursion: its depth, and every string's encodability."""
    pending: list[tuple[Any, int]] = [(value, 0)]
    while pending:
        item, depth = pending.pop()
        if isinstance(item, dict):
            if depth >= MAX_DEPTH:
                raise JsonTextError(_too_deep(), syntax=False)
            for key, child in item.items():
                _check_text(key)
                pending.append((child, depth + 1))
        elif isinstance(item, list):
            if depth >= MAX_DEPTH:
                raise JsonTextError(_too_deep(), syntax=False)
            pending.extend((child, depth + 1) for child in item)
        elif isinstance(item, str):
            _check_text(item)
        elif isinstance(item, float) and not math.isfinite(item):
            raise JsonTextError(f"'{item}' is not a finite number", syntax=False)


def _check_text(text: object) -> None:
    if not isinstance(text, str):
        return
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise JsonTextError(
            f"a text holds a lone UTF-16 surrogate (\\u{ord(text[exc.start]):04x}), "
            "which is not a character",
            syntax=False,
        ) from None
