"""Pebble's core filters and Kestra's string and collection filters.

A filter is ``f(rt, value, *args)``: parameter names are Pebble's argument names, so named
arguments (``abbreviate(length=16)``) bind as they do in Pebble. Most filters pass null
through, as Pebble's do.
"""

from __future__ import annotations

import base64
import hashlib
import html
import re
import unicodedata
import urllib.parse
from collections.abc import Callable, Mapping
from typing import Any

from tiercel.expr.errors import ExpressionError
from tiercel.expr.javatypes import is_number
from tiercel.expr.numberformat import decimal_format
from tiercel.expr.runtime import Runtime
from tiercel.expr.values import java_str, type_name

Registrar = Callable[..., Callable[[Callable[..., Any]], Callable[..., Any]]]


def registrar(table: dict[str, Callable[..., Any]]) -> Registrar:
    """A decorator factory that files implementations in ``table`` under one or more names."""

    def register(*names: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        def add(function: Callable[..., Any]) -> Callable[..., Any]:
            for name in names:
                table[name] = function
            return function

        return add

    return register


FILTERS: dict[str, Callable[..., Any]] = {}
register = registrar(FILTERS)


def _java_trim(text: str) -> str:
    return text.strip("".join(chr(code) for code in range(33)))


def _string(value: Any, name: str) -> str:
    if not isinstance(value, str):
        raise ExpressionError(f"The '{name}' filter expects a string, got {type_name(value)}")
    return value


def is_empty(value: Any) -> bool:
    """Pebble's ``empty`` test: null, a blank string, an empty collection or map."""
    if value is None:
        return True
    if isinstance(value, str):
        return _java_trim(value) == ""
    if isinstance(value, Mapping | list | tuple | set | frozenset):
        return len(value) == 0
    return False


# --- strings ---------------------------------------------------------------------------------


@register("abbreviate")
def abbreviate(rt: Runtime, value: Any, length: Any = None) -> Any:
    if value is None:
        return None
    text, width = _string(value, "abbreviate"), int(length)
    if width < 0:
        raise ExpressionError("Invalid argument to abbreviate filter; must be greater than zero")
    if len(text) < width or len(text) <= 3:
        return text
    return text[:width] if width <= 3 else text[: width - 3] + "..."


@register("capitalize")
def capitalize(rt: Runtime, value: Any) -> Any:
    if value is None:
        return None
    text = _string(value, "capitalize")
    for index, char in enumerate(text):
        if not char.isspace():
            return text[:index] + char.title() + text[index + 1 :]
    return text


@register("title")
def title(rt: Runtime, value: Any) -> Any:
    if value is None:
        return None
    out: list[str] = []
    start = True
    for char in _string(value, "title"):
        if char.isspace():
            start = True
        elif start:
            char, start = char.title(), False
        out.append(char)
    return "".join(out)


@register("lower")
def lower(rt: Runtime, value: Any) -> Any:
    return None if value is None else java_str(value).lower()


@register("upper")
def upper(rt: Runtime, value: Any) -> Any:
    return None if value is None else java_str(value).upper()


@register("trim")
def trim(rt: Runtime, value: Any) -> Any:
    return None if value is None else _java_trim(java_str(value))


@register("urlencode")
def urlencode(rt: Runtime, value: Any) -> Any:
    if value is None:
        return None
    # java.net.URLEncoder keeps only letters, digits and . - * _
    return urllib.parse.quote_plus(java_str(value), safe="*").replace("~", "%7E")


@register("urldecode")
def urldecode(rt: Runtime, value: Any) -> Any:
    return None if value is None else urllib.parse.unquote_plus(java_str(value))


@register("escape")
def escape(rt: Runtime, value: Any, strategy: Any = "html") -> Any:
    if value is None:
        return None
    return html.escape(java_str(value), quote=True).replace("&#x27;", "&#39;")


@register("raw")
def raw(rt: Runtime, value: Any) -> Any:
    return value


@register("nl2br")
def nl2br(rt: Runtime, value: Any) -> Any:
    return None if value is None else java_str(value).replace("\n", "<br />")


@register("slugify")
def slugify(rt: Runtime, value: Any) -> Any:
    if value is None:
        return None
    slug = re.sub(r"\s", "-", java_str(value))
    slug = unicodedata.normalize("NFD", slug)
    slug = re.sub(r"[^\w-]", "", slug, flags=re.ASCII).replace("_", "-")
    while "--" in slug:
        slug = slug.replace("--", "-")
    return slug.removeprefix("-").removesuffix("-").lower()


def _substring(value: Any, separator: Any, last: bool, after: bool) -> Any:
    if value is None:
        return None
    text, sep = java_str(value), java_str(separator) if separator is not None else None
    if sep is None or sep == "":
        # commons-lang StringUtils: an empty separator keeps the text for "before"/"after"
        # variants that search from the start, and gives "" for the others.
        return "" if (after and last) or (not after and not last) else text
    index = text.rfind(sep) if last else text.find(sep)
    if index < 0:
        return "" if after else text
    return text[index + len(sep) :] if after else text[:index]


@register("substringBefore")
def substring_before(rt: Runtime, value: Any, separator: Any = None) -> Any:
    return _substring(value, separator, last=False, after=False)


@register("substringBeforeLast")
def substring_before_last(rt: Runtime, value: Any, separator: Any = None) -> Any:
    return _substring(value, separator, last=True, after=False)


@register("substringAfter")
def substring_after(rt: Runtime, value: Any, separator: Any = None) -> Any:
    return _substring(value, separator, last=False, after=True)


@register("substringAfterLast")
def substring_after_last(rt: Runtime, value: Any, separator: Any = None) -> Any:
    return _substring(value, separator, last=True, after=True)


# The filtered value is the second parameter whatever its name; these two take a "value" argument.
@register("startsWith")
def starts_with(rt: Runtime, subject: Any, value: Any = None) -> Any:
    return None if subject is None else java_str(subject).startswith(java_str(value))


@register("endsWith")
def ends_with(rt: Runtime, subject: Any, value: Any = None) -> Any:
    return None if subject is None else java_str(subject).endswith(java_str(value))


def _indent(value: Any, amount: Any, prefix: Any, new_line_first: bool, name: str) -> Any:
    if value is None:
        return None
    text = java_str(value)
    if text == "":
        return text
    if not isinstance(amount, int) or isinstance(amount, bool) or amount < 0:
        raise ExpressionError(f"The '{name}' filter expects a positive integer as 'amount'.")
    new_line = next((nl for nl in ("\r\n", "\n\r", "\n", "\r") if nl in text), "\n")
    pad = java_str(prefix) * amount
    if new_line_first:
        text = new_line + text
    return text.replace(new_line, new_line + pad)


@register("indent")
def indent(rt: Runtime, value: Any, amount: Any = None, prefix: Any = " ") -> Any:
    return _indent(value, amount, prefix, False, "indent")


@register("nindent")
def nindent(rt: Runtime, value: Any, amount: Any = None, prefix: Any = " ") -> Any:
    return _indent(value, amount, prefix, True, "nindent")


def _escape_chars(value: Any, kind: str) -> Any:
    if isinstance(value, Mapping):
        return {k: _escape_chars(v, kind) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_escape_chars(v, kind) for v in value]
    text = java_str(value)
    if kind == "single":
        return text.replace("'", "\\'")
    if kind == "double":
        return text.replace('"', '\\"')
    return text.replace("'", "'\\''")


@register("escapeChar")
def escape_char(rt: Runtime, value: Any, type: Any = None) -> Any:
    if value is None:
        return None
    kind = str(type).lower() if type is not None else ""
    if kind not in ("single", "double", "shell"):
        raise ExpressionError(
            "The 'escapeChar' filter expects the value of 'type' to be either 'single', "
            "'double', or 'shell'."
        )
    return _escape_chars(value, kind)


def _replace_all(value: Any, pairs: Mapping[Any, Any], regexp: bool) -> Any:
    if isinstance(value, Mapping):
        return {k: _replace_all(v, pairs, regexp) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_replace_all(v, pairs, regexp) for v in value]
    text = java_str(value)
    for old, new in pairs.items():
        if regexp:
            replacement = re.sub(r"\$(\d+)", r"\\g<\1>", java_str(new).replace("\\", "\\\\"))
            text = re.sub(java_str(old), replacement, text)
        else:
            text = text.replace(java_str(old), java_str(new))
    return text


@register("replace")
def replace(rt: Runtime, value: Any, replace_pairs: Any = None, regexp: Any = False) -> Any:
    if value is None:
        return None
    if not isinstance(replace_pairs, Mapping):
        raise ExpressionError("The argument 'replace_pairs' is required.")
    try:
        return _replace_all(value, replace_pairs, bool(regexp))
    except re.error as exc:
        raise ExpressionError(f"Invalid regular expression in 'replace': {exc}") from exc


@register("split")
def split(rt: Runtime, value: Any, delimiter: Any = None, limit: Any = None) -> Any:
    if value is None:
        return None
    if delimiter is None:
        raise ExpressionError("missing delimiter parameter in split filter")
    text, count = java_str(value), 0 if limit is None else int(limit)
    if text == "":
        return [""]
    try:
        pattern = re.compile(java_str(delimiter))
    except re.error as exc:
        raise ExpressionError(f"Invalid split delimiter: {exc}") from exc
    # String.split(regex, limit): a positive limit caps the parts, zero drops trailing blanks,
    # and a zero-width match at the start adds no leading blank.
    parts = pattern.split(text, maxsplit=count - 1 if count > 0 else 0)
    head = pattern.search(text)
    if parts and parts[0] == "" and head is not None and head.start() == head.end() == 0:
        parts = parts[1:]
    if count == 0:
        while parts and parts[-1] == "":
            parts.pop()
    return parts


def _hash(name: str) -> Callable[..., Any]:
    def digest(rt: Runtime, value: Any) -> Any:
        if value is None:
            return None
        return hashlib.new(name, java_str(value).encode()).hexdigest()

    return digest


for _algorithm, _filter in (("sha1", "sha1"), ("sha256", "sha256"), ("sha512", "sha512")):
    FILTERS[_filter] = _hash(_algorithm)
FILTERS["md5"] = _hash("md5")


@register("base64encode")
def base64encode(rt: Runtime, value: Any) -> Any:
    return None if value is None else base64.b64encode(java_str(value).encode()).decode()


@register("base64decode")
def base64decode(rt: Runtime, value: Any) -> Any:
    if value is None:
        return None
    try:
        return base64.b64decode(java_str(value), validate=True).decode()
    except (ValueError, UnicodeDecodeError) as exc:
        raise ExpressionError(f"Invalid base64 value: {exc}") from exc


@register("numberFormat", "numberformat")
def number_format(rt: Runtime, value: Any, format: Any = None) -> Any:
    if value is None:
        return None
    if not is_number(value):
        raise ExpressionError(f"numberFormat expects a number, got {type_name(value)}")
    return decimal_format(value, "#,##0.###" if format is None else java_str(format))
