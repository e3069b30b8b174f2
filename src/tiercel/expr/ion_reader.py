"""Reading Ion text token by token: what ``tiercel.expr.ion`` falls back on when a line is not
JSON-like (symbols, blobs, annotations, Ion's own escapes, several values)."""

import base64
import binascii
import re
from decimal import Decimal
from typing import Any

_TOKEN = re.compile(
    r"""
    (?P<skip>\s+|//[^\n]*|/\*.*?\*/)
  | (?P<blob>\{\{[A-Za-z0-9+/=\s]*\}\})
  | (?P<long>'''(?:[^'\\]|\\.|'(?!''))*''')
  | (?P<string>"(?:[^"\\\n]|\\.)*")
  | (?P<symbol>'(?:[^'\\\n]|\\.)*')
  | (?P<timestamp>\d{4}(?:-\d{2}(?:-\d{2})?)?T(?:[0-9:.]+(?:Z|[+-]\d{2}:\d{2}))?
      |\d{4}-\d{2}-\d{2}(?![\w.]))
  | (?P<number>[+-]?(?:0[xX][0-9a-fA-F_]+|0[bB][01_]+
      |\d[\d_]*(?:\.[\d_]*)?(?:[eEdD][+-]?\d+)?)(?![\w.]))
  | (?P<special>[+-]inf|nan)(?![\w])
  | (?P<word>[A-Za-z_$][\w$]*(?:\.[a-z]+)?)
  | (?P<punct>::|\{\{|[{}\[\](),:])
    """,
    re.VERBOSE | re.DOTALL,
)
_ESCAPES = {
    "0": "\0",
    "a": "\a",
    "b": "\b",
    "t": "\t",
    "n": "\n",
    "f": "\f",
    "r": "\r",
    "v": "\v",
    '"': '"',
    "'": "'",
    "?": "?",
    "\\": "\\",
    "/": "/",
    "\n": "",
}
_HEX_ESCAPE = {"x": 2, "u": 4, "U": 8}


class Timestamp(str):
    """An Ion timestamp as read: its text, marked so that a converter can tell it from a
    string (``IonToCsv`` formats timestamps with ``dateTimeFormat``, not strings)."""

    __slots__ = ()


class IonError(ValueError):
    """The text is not Ion, or uses a part of Ion this codec does not read."""


class Reader:
    """The tokenizer and reader of Ion text: every value the fast path leaves to it."""

    def __init__(self, text: str) -> None:
        self.tokens: list[tuple[str, str]] = []
        pos = 0
        while pos < len(text):
            match = _TOKEN.match(text, pos)
            if match is None:
                raise IonError(f"invalid Ion at offset {pos}: {text[pos : pos + 20]!r}")
            kind = match.lastgroup or ""
            if kind != "skip":
                self.tokens.append((kind, match.group()))
            pos = match.end()
        self.pos = 0

    def document(self) -> Any:
        if not self.tokens:
            raise IonError("no Ion value")
        value = self.value()
        if self.pos != len(self.tokens):
            raise IonError(f"more than one Ion value: unexpected {self.tokens[self.pos][1]!r}")
        return value

    def next(self) -> tuple[str, str]:
        if self.pos >= len(self.tokens):
            raise IonError("unexpected end of Ion text")
        token = self.tokens[self.pos]
        self.pos += 1
        return token

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def value(self) -> Any:
        kind, text = self.next()
        following = self.peek()
        if kind in ("word", "symbol", "string") and following == ("punct", "::"):
            self.pos += 1  # an annotation: the value follows
            return self.value()
        if kind == "punct":
            return self.container(text)
        if kind == "long":
            parts = [_unescape(text[3:-3])]
            while (peeked := self.peek()) is not None and peeked[0] == "long":
                parts.append(_unescape(self.next()[1][3:-3]))
            return "".join(parts)
        if kind in ("string", "symbol"):
            return _unescape(text[1:-1])
        if kind == "number":
            return _number(text)
        if kind == "special":
            return float(text)
        if kind == "timestamp":
            return Timestamp(text)
        if kind == "blob":
            try:
                return base64.b64decode("".join(text[2:-2].split()), validate=True)
            except binascii.Error as exc:
                raise IonError(f"invalid Ion blob: {exc}") from None
        return _word(text)

    def container(self, opener: str) -> Any:
        if opener == "[":
            return self.sequence("]")
        if opener == "(":
            return self.sequence(")")
        if opener == "{":
            return self.struct()
        raise IonError(f"unsupported Ion: {opener!r} (blobs and clobs are not read)")

    def sequence(self, closer: str) -> list[Any]:
        items: list[Any] = []
        while self.peek() != ("punct", closer):
            items.append(self.value())
            if closer == "]" and self.peek() == ("punct", ","):
                self.pos += 1
        self.pos += 1
        return items

    def struct(self) -> dict[str, Any]:
        fields: dict[str, Any] = {}
        while self.peek() != ("punct", "}"):
            kind, text = self.next()
            if kind in ("string", "symbol"):
                name = _unescape(text[1:-1])
            elif kind == "long":
                name = _unescape(text[3:-3])
            elif kind == "word":
                name = text
            else:
                raise IonError(f"invalid Ion field name {text!r}")
            if self.next() != ("punct", ":"):
                raise IonError(f"expected ':' after Ion field name {name!r}")
            fields[name] = self.value()
            if self.peek() == ("punct", ","):
                self.pos += 1
        self.pos += 1
        return fields


def _word(text: str) -> Any:
    if text == "null" or text.startswith("null."):
        return None
    if text == "true":
        return True
    if text == "false":
        return False
    return text  # a bare symbol


def _number(text: str) -> Any:
    clean = text.replace("_", "")
    lower = clean.lower()
    unsigned = lower.lstrip("+-")
    if unsigned.startswith("0x"):
        return int(clean, 16)
    if unsigned.startswith("0b"):
        return int(clean, 2)
    if "e" in lower:
        return float(clean)
    if "." in lower or "d" in lower:
        return Decimal(lower.replace("d", "e"))
    return int(clean)


def _unescape(body: str) -> str:
    out: list[str] = []
    i = 0
    while i < len(body):
        char = body[i]
        if char != "\\":
            out.append(char)
            i += 1
            continue
        code = body[i + 1 : i + 2]
        if code in _HEX_ESCAPE:
            digits = body[i + 2 : i + 2 + _HEX_ESCAPE[code]]
            try:
                out.append(chr(int(digits, 16)))
            except ValueError:
                raise IonError(f"invalid Ion escape \\{code}{digits}") from None
            i += 2 + _HEX_ESCAPE[code]
            continue
        if code not in _ESCAPES:
            raise IonError(f"invalid Ion escape \\{code}")
        out.append(_ESCAPES[code])
        i += 2
    return "".join(out)
