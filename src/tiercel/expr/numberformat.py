"""``java.text.DecimalFormat`` patterns (``#,##0.00``, ``$#,###.##``, ``0.0%``) for numbers."""

from __future__ import annotations

import functools
import re
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any, NamedTuple

from tiercel.expr.errors import ExpressionError
from tiercel.expr.javatypes import number_str

_PATTERN = re.compile(r"^(?P<prefix>(?:'[^']*'|[^#0,.'])*)(?P<number>[#0,.]+)(?P<suffix>.*)$")


class _Format(NamedTuple):
    prefix: str
    suffix: str
    grouping: int
    min_integer: int
    min_fraction: int
    max_fraction: int
    multiplier: int


def _literal(text: str) -> str:
    return re.sub(r"'([^']*)'", lambda m: m.group(1) or "'", text)


@functools.lru_cache(maxsize=128)
def _compile(pattern: str) -> _Format:
    match = _PATTERN.match(pattern.split(";")[0])
    if match is None:
        raise ExpressionError(f"Malformed number format pattern: {pattern}")
    prefix, suffix = _literal(match.group("prefix")), _literal(match.group("suffix"))
    integer, _, fraction = match.group("number").partition(".")
    grouping = len(integer) - integer.rfind(",") - 1 if "," in integer else 0
    multiplier = 100 if "%" in prefix + suffix else 1000 if "\u2030" in prefix + suffix else 1
    return _Format(
        prefix,
        suffix,
        grouping,
        integer.replace(",", "").count("0"),
        fraction.count("0"),
        len(fraction),
        multiplier,
    )


def decimal_format(value: Any, pattern: str) -> str:
    """Format ``value`` as ``new DecimalFormat(pattern).format(value)`` (HALF_EVEN rounding)."""
    spec = _compile(pattern)
    number = Decimal(number_str(value)) * spec.multiplier
    rounded = number.quantize(Decimal(1).scaleb(-spec.max_fraction), rounding=ROUND_HALF_EVEN)
    integer, _, fraction = format(abs(rounded), "f").partition(".")
    fraction = fraction.rstrip("0").ljust(spec.min_fraction, "0")
    integer = integer.lstrip("0").rjust(spec.min_integer, "0")
    if spec.grouping and integer:
        head = len(integer) % spec.grouping or spec.grouping
        groups = [integer[:head]] + [
            integer[i : i + spec.grouping] for i in range(head, len(integer), spec.grouping)
        ]
        integer = ",".join(groups)
    sign = "-" if rounded < 0 else ""
    return f"{sign}{spec.prefix}{integer}{'.' + fraction if fraction else ''}{spec.suffix}"
