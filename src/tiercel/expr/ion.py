"""Read Amazon Ion text (``fromIon``): the JSON-like subset Kestra's outputs use.

Structs with bare or quoted field names, lists, s-expressions (as lists), strings, symbols
(as strings), integers, decimals and floats, booleans, typed nulls, timestamps (as strings) and
annotations (dropped). Comments are skipped. Binary Ion and blobs are not supported.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from tiercel.expr.errors import ExpressionError

_TOKEN = re.compile(
    r"""
    (?P<ws>\s+|//[^\n]*|/\*.*?\*/)
  | (?P<string>"(?:[^"\\]|\\.)*")
  | (?P<long>'''(?:[^'\\]|\\.|'(?!''))*''')
  | (?P<symbol>'(?:[^'\\]|\\.)*')
  | (?P<timestamp>\d{4}(?:-\d{2}(?:-\d{2})?)?T(?:[0-9:.]+)?(?:Z|[+-]\d{2}:\d{2})?|\d{4}-\d{2}-\d{2})
  | (?P<number>[+-]?(?:0[xX][0-9a-fA-F_]+|[0-9][0-9_]*(?:\.[0-9_]*)?(?:[eEdD][+-]?[0-9]+)?))
  | (?P<null>null(?:\.[a-z]+)?)
  | (?P<word>[A-Za-z_$][A-Za-z0-9_$]*)
  | (?P<punct>::|[{}\[\](),:])
    """,
    re.VERBOSE | re.DOTALL,
)


def _tokens(text: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    pos = 0
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if match is None:
            raise ExpressionError(f"Invalid Ion at offset {pos}: {text[pos : pos + 20]!r}")
        kind = match.lastgroup or ""
        if kind != "ws":
            out.append((kind, match.group()))
        pos = match.end()
    return out


def _unquote(text: str) -> str:
    body = text[3:-3] if text.startswith("'''") else text[1:-1]
    return body.encode("latin-1", "backslashreplace").decode("unicode_escape")


def _number(text: str) -> Any:
    clean = text.replace("_", "")
    if clean.lower().lstrip("+-").startswith("0x"):
        return int(clean, 16)
    if "e" in clean.lower():
        return float(clean)
    if "." in clean or "d" in clean.lower():
        return Decimal(clean.lower().replace("d", "e"))
    return int(clean)


class _Reader:
    def __init__(self, tokens: list[tuple[str, str]]) -> None:
        self.tokens = tokens
        self.i = 0

    def peek(self) -> tuple[str, str]:
        return self.tokens[self.i] if self.i < len(self.tokens) else ("eof", "")

    def take(self) -> tuple[str, str]:
        token = self.peek()
        self.i += 1
        return token

    def value(self) -> Any:
        kind, text = self.take()
        while self.peek() == ("punct", "::"):  # an annotation: drop it, read what follows
            self.take()
            kind, text = self.take()
        if kind in ("string", "long"):
            while kind == "long" and self.peek()[0] == "long":
                text = text[:-3] + self.take()[1][3:]
            return _unquote(text)
        if kind in ("symbol", "timestamp"):
            return _unquote(text) if kind == "symbol" else text
        if kind == "number":
            return _number(text)
        if kind == "null":
            return None
        if kind == "word":
            return {"true": True, "false": False, "nan": float("nan")}.get(text, text)
        if (kind, text) == ("punct", "["):
            return self.sequence("]")
        if (kind, text) == ("punct", "("):
            return self.sequence(")")
        if (kind, text) == ("punct", "{"):
            return self.struct()
        raise ExpressionError(f"Unexpected Ion token {text!r}")

    def sequence(self, closer: str) -> list[Any]:
        items: list[Any] = []
        while self.peek() != ("punct", closer):
            items.append(self.value())
            if self.peek() == ("punct", ","):
                self.take()
        self.take()
        return items

    def struct(self) -> dict[str, Any]:
        fields: dict[str, Any] = {}
        while self.peek() != ("punct", "}"):
            kind, name = self.take()
            key = _unquote(name) if kind in ("string", "symbol", "long") else name
            if self.take() != ("punct", ":"):
                raise ExpressionError(f"Expected ':' after Ion field name {key!r}")
            fields[key] = self.value()
            if self.peek() == ("punct", ","):
                self.take()
        self.take()
        return fields


def from_ion(text: str) -> Any:
    """Parse one Ion text value (several top-level values come back as a list)."""
    reader = _Reader(_tokens(text))
    values = []
    while reader.peek()[0] != "eof":
        values.append(reader.value())
    if not values:
        return None
    return values[0] if len(values) == 1 else values
