"""Stand-ins for the Java types Pebble hands around, and how Java prints numbers."""

from __future__ import annotations

import math
import struct
from decimal import Decimal
from typing import Any


class JavaFloat(float):
    """A 32-bit ``Float`` (what ``number`` infers for a short decimal); prints like Java."""


class BigInteger(int):
    """A ``BigInteger`` (``number('BIGINTEGER')``); behaves as an int, named apart."""


class MapEntry:
    """What ``{% for e in map %}`` yields: a ``Map.Entry`` with ``key`` and ``value``."""

    __slots__ = ("key", "value")

    def __init__(self, key: Any, value: Any) -> None:
        self.key = key
        self.value = value

    def __eq__(self, other: object) -> bool:
        return isinstance(other, MapEntry) and (self.key, self.value) == (other.key, other.value)

    def __hash__(self) -> int:
        return hash(self.key)


def is_number(value: Any) -> bool:
    """True for ints, floats and decimals, not for booleans (Java's Boolean is no Number)."""
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


def _scientific(digits: str, exponent: int, negative: bool) -> str:
    mantissa = digits[0] + "." + (digits[1:] or "0")
    return f"{'-' if negative else ''}{mantissa}E{exponent}"


def java_double_str(value: float) -> str:
    """``Double.toString``: ``1.0``, ``2.5``, ``1.0E10``, ``1.0E-5``, ``NaN``, ``Infinity``."""
    if value != value:
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    if value == 0:
        return "-0.0" if math.copysign(1.0, value) < 0 else "0.0"
    text = _float32_repr(value) if isinstance(value, JavaFloat) else repr(float(value))
    magnitude = abs(value)
    if 1e-3 <= magnitude < 1e7:
        if "e" in text or "E" in text:
            text = format(Decimal(text), "f")
        return text if "." in text else text + ".0"
    sign, digit_tuple, exponent = Decimal(text).normalize().as_tuple()
    digits = "".join(map(str, digit_tuple))
    return _scientific(digits, int(exponent) + len(digits) - 1, bool(sign))


def _float32_repr(value: float) -> str:
    packed = struct.pack("f", value)
    for precision in range(1, 10):
        text = f"{value:.{precision}g}"
        if struct.pack("f", float(text)) == packed:
            return text
    return repr(float(value))


def java_decimal_str(value: Decimal) -> str:
    """``BigDecimal.toString``: plain unless the exponent is very small or positive."""
    text = str(value)
    return text.replace("e", "E").replace("E+", "E")


def number_str(value: Any) -> str:
    """Print an int, float or decimal as Java does."""
    if isinstance(value, float):
        return java_double_str(value)
    if isinstance(value, Decimal):
        return java_decimal_str(value)
    return str(int(value))
