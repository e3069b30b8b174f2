"""Serialisers that mimic Kestra's Jackson mappers: JSON, YAML and Ion text, and date strings.

Kestra's JSON mapper is compact (``{"a":1,"b":[1,2]}``), leaves non-ASCII unescaped, writes
doubles with ``Double.toString`` and, being configured ``NON_NULL``, drops map entries whose
value is null (``toJson(includeNulls=true)`` keeps them).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from tiercel.expr.javatypes import MapEntry, is_number, java_double_str, number_str

_quote: Callable[[str], str] = json.encoder.encode_basestring


# --- dates -----------------------------------------------------------------------------------


def _fraction_groups(micro: int) -> str:
    # Java prints nanoseconds in groups of three digits; Python only has microseconds.
    if micro == 0:
        return ""
    return f".{micro // 1000:03d}" if micro % 1000 == 0 else f".{micro:06d}"


def _fraction_minimal(micro: int) -> str:
    return "" if micro == 0 else "." + f"{micro:06d}".rstrip("0")


def offset_str(offset: dt.timedelta | None, *, zulu: bool = True) -> str:
    """``ZoneOffset.toString``: ``Z`` for zero, else ``+02:00`` (with seconds if any)."""
    seconds = int(offset.total_seconds()) if offset is not None else 0
    if seconds == 0 and zulu:
        return "Z"
    sign = "-" if seconds < 0 else "+"
    hours, rest = divmod(abs(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    return f"{sign}{hours:02d}:{minutes:02d}" + (f":{secs:02d}" if secs else "")


def java_time_str(value: dt.time) -> str:
    """``LocalTime.toString``: seconds and fraction only when not zero."""
    text = f"{value.hour:02d}:{value.minute:02d}"
    if value.second or value.microsecond:
        text += f":{value.second:02d}" + _fraction_groups(value.microsecond)
    return text


def zone_name(value: dt.datetime) -> str | None:
    """The region id of an aware datetime's zone (``Europe/Paris``), None for a fixed offset."""
    key = getattr(value.tzinfo, "key", None)
    return key if isinstance(key, str) else None


def java_datetime_str(value: dt.datetime) -> str:
    """How Kestra prints a date-time value.

    A naive datetime is a ``LocalDateTime``; one in ``datetime.timezone.utc`` an ``Instant``
    (``2024-01-01T10:00:00Z``, the type of Kestra's execution dates); any other aware one a
    ``ZonedDateTime`` (``2013-09-08T16:19+02:00[Europe/Paris]``).
    """
    local = f"{value.date().isoformat()}T{java_time_str(value.time())}"
    if value.tzinfo is None:
        return local
    if value.tzinfo is dt.UTC:
        return (
            f"{value.date().isoformat()}T{value.hour:02d}:{value.minute:02d}:{value.second:02d}"
            + _fraction_groups(value.microsecond)
            + "Z"
        )
    text = local + offset_str(value.utcoffset())
    zone = zone_name(value)
    return text + f"[{zone}]" if zone else text


def iso_datetime_str(value: dt.datetime) -> str:
    """``ISO_OFFSET_DATE_TIME`` (or local when naive), as Jackson writes dates in JSON."""
    text = (
        f"{value.date().isoformat()}T{value.hour:02d}:{value.minute:02d}:{value.second:02d}"
        + _fraction_minimal(value.microsecond)
    )
    return text if value.tzinfo is None else text + offset_str(value.utcoffset())


def _temporal_str(value: Any) -> str | None:
    if isinstance(value, dt.datetime):
        return iso_datetime_str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return java_time_str(value)
    return None


# --- JSON ------------------------------------------------------------------------------------


def to_json(value: Any, *, include_nulls: bool = False) -> str:
    """Serialise like ``JacksonMapper.ofJson().writeValueAsString``."""
    out: list[str] = []
    _json(value, out.append, include_nulls)
    return "".join(out)


def _json(value: Any, write: Callable[[str], Any], include_nulls: bool) -> None:
    if value is None:
        write("null")
    elif isinstance(value, str):
        write(_quote(value))
    elif value is True:
        write("true")
    elif value is False:
        write("false")
    elif is_number(value):
        write(number_str(value))
    elif isinstance(value, Mapping):
        write("{")
        first = True
        for key, item in value.items():
            if item is None and not include_nulls:
                continue
            if not first:
                write(",")
            first = False
            write(_quote(key if isinstance(key, str) else _key_str(key)))
            write(":")
            _json(item, write, include_nulls)
        write("}")
    elif isinstance(value, list | tuple | set | frozenset):
        write("[")
        for index, item in enumerate(value):
            if index:
                write(",")
            _json(item, write, include_nulls)
        write("]")
    else:
        if isinstance(value, MapEntry):
            _json({_key_str(value.key): value.value}, write, include_nulls)
            return
        temporal = _temporal_str(value)
        write(_quote(temporal if temporal is not None else str(value)))


def _key_str(key: Any) -> str:
    if key is None:
        return "null"
    if isinstance(key, bool):
        return "true" if key else "false"
    if is_number(key):
        return number_str(key)
    return str(key)


def to_plain(value: Any) -> Any:
    """Turn a value into plain JSON types (dates to strings), for jq and comparisons."""
    return json.loads(to_json(value, include_nulls=True))


# --- YAML ------------------------------------------------------------------------------------

_YAML_PLAIN = re.compile(r"^[^\s\-?:,\[\]{}#&*!|>'\"%@`][^\n]*$")
_YAML_SPECIAL = re.compile(
    r"^(?:true|false|yes|no|on|off|y|n|null|~|[-+]?(?:\d[\d_]*)?\.?\d+(?:[eE][-+]?\d+)?"
    r"|[-+]?\.inf|\.nan|0x[0-9a-fA-F]+|0o[0-7]+)$",
    re.IGNORECASE,
)


def _yaml_scalar(value: Any) -> str:
    if value is None:
        return "null"
    if value is True or value is False:
        return "true" if value else "false"
    if is_number(value):
        return number_str(value)
    temporal = _temporal_str(value)
    text = temporal if temporal is not None else str(value)
    if (
        text
        and _YAML_PLAIN.match(text)
        and not _YAML_SPECIAL.match(text)
        and ": " not in text
        and " #" not in text
        and not text.endswith((" ", ":"))
    ):
        return text
    return _quote(text)


def to_yaml(value: Any) -> str:
    """Serialise like Kestra's ``yaml`` filter (Jackson YAML, minimal quotes, indented lists)."""
    lines: list[str] = []
    if isinstance(value, Mapping | list | tuple) and value:
        _yaml_block(value, 0, lines)
    elif isinstance(value, Mapping):
        lines.append("{}")
    elif isinstance(value, list | tuple):
        lines.append("[]")
    else:
        lines.append(_yaml_scalar(value))
    return "\n".join(lines) + "\n"


def _yaml_block(value: Any, indent: int, lines: list[str], first_prefix: str | None = None) -> None:
    pad = " " * indent
    prefix = first_prefix
    if isinstance(value, Mapping):
        for key, item in value.items():
            head = (prefix if prefix is not None else pad) + _yaml_scalar(_key_str(key)) + ":"
            prefix = None
            if isinstance(item, Mapping | list | tuple) and item:
                lines.append(head)
                _yaml_block(item, indent + 2 if isinstance(item, Mapping) else indent, lines)
            elif isinstance(item, Mapping):
                lines.append(head + " {}")
            elif isinstance(item, list | tuple):
                lines.append(head + " []")
            else:
                lines.append(head + " " + _yaml_scalar(item))
        return
    for item in value:
        dash = (prefix if prefix is not None else pad) + " - "
        prefix = None
        if isinstance(item, Mapping | list | tuple) and item:
            _yaml_block(item, indent + 3, lines, first_prefix=dash)
        elif isinstance(item, Mapping):
            lines.append(dash + "{}")
        elif isinstance(item, list | tuple):
            lines.append(dash + "[]")
        else:
            lines.append(dash + _yaml_scalar(item))


# --- Ion -------------------------------------------------------------------------------------

_ION_SYMBOL = re.compile(r"^[A-Za-z_$][A-Za-z0-9_$]*$")


def to_ion(value: Any) -> str:
    """Serialise to Amazon Ion text (the subset JSON-like data needs)."""
    if value is None:
        return "null"
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, float):
        text = java_double_str(value)
        return text if "E" in text else text + "e0"
    if isinstance(value, Decimal):
        text = str(value)
        return text if "." in text or "E" in text.upper() else text + "."
    if is_number(value):
        return number_str(value)
    if isinstance(value, str):
        return _quote(value)
    if isinstance(value, Mapping):
        inner = ",".join(f"{_ion_symbol(_key_str(k))}:{to_ion(v)}" for k, v in value.items())
        return "{" + inner + "}"
    if isinstance(value, list | tuple | set | frozenset):
        return "[" + ",".join(to_ion(item) for item in value) + "]"
    temporal = _temporal_str(value)
    return temporal if temporal is not None else _quote(str(value))


def _ion_symbol(name: str) -> str:
    if _ION_SYMBOL.match(name) and name not in ("null", "true", "false", "nan"):
        return name
    return "'" + name.replace("\\", "\\\\").replace("'", "\\'") + "'"
