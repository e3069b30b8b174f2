"""How values print, compare, combine and count as true, the way Pebble and Kestra do it.

Python values stand for Java ones: ``int`` is a ``Long``, ``float`` a ``Double``,
``JavaFloat`` a ``Float``, ``Decimal`` a ``BigDecimal``, ``BigInteger`` a ``BigInteger``,
``dict`` a ``Map``, ``list`` a ``List``. Three string forms exist because Pebble has three:
``to_output`` (what ``{{ }}`` prints: null is empty, collections are JSON), ``java_str``
(``String.valueOf``, used by ``+`` and ``contains``) and ``concat_str`` (used by ``~``).
"""

from __future__ import annotations

import datetime as dt
import math
import struct
from collections.abc import Mapping
from decimal import Decimal, DivisionByZero, InvalidOperation
from decimal import localcontext as decimal_context
from typing import Any

from tiercel.expr.errors import ExpressionError
from tiercel.expr.javatypes import (
    JavaFloat,
    MapEntry,
    is_number,
    number_str,
)
from tiercel.expr.jsonfmt import java_datetime_str, java_time_str, to_json

_LONG_MIN = -(2**63)
_LONG_SPAN = 2**64


# --- printing --------------------------------------------------------------------------------


def to_output(value: Any) -> str:
    """What ``{{ value }}`` writes: Kestra's ``JsonWriter`` (collections as JSON, null as '')."""
    kind = type(value)
    if kind is str:
        return value  # type: ignore[no-any-return]
    if value is None:
        return ""
    if kind is bool:
        return "true" if value else "false"
    if kind is int:
        return str(value)
    if isinstance(value, str):
        return str(value)
    if is_number(value):
        return number_str(value)
    if isinstance(value, MapEntry):
        return java_str(value)
    if isinstance(value, Mapping | list | tuple | set | frozenset):
        return to_json(value)
    if isinstance(value, dt.datetime):
        return java_datetime_str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return java_time_str(value)
    return str(value)


def optional_str(value: Any) -> str | None:
    """``java_str`` for an optional argument: an absent (null) one stays ``None``."""
    return None if value is None else java_str(value)


def java_str(value: Any) -> str:
    """``String.valueOf``: null is "null", lists print ``[a, b]``, maps ``{k=v}``."""
    if value is None:
        return "null"
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if is_number(value):
        return number_str(value)
    if isinstance(value, MapEntry):
        return f"{java_str(value.key)}={java_str(value.value)}"
    if isinstance(value, Mapping):
        inner = ", ".join(f"{java_str(k)}={java_str(v)}" for k, v in value.items())
        return "{" + inner + "}"
    if isinstance(value, list | tuple | set | frozenset):
        return "[" + ", ".join(java_str(item) for item in value) + "]"
    return to_output(value)


def concat_str(value: Any) -> str:
    """The ``~`` operator's view of a value: ``toString`` with null dropped."""
    return "" if value is None else java_str(value)


# --- truthiness ------------------------------------------------------------------------------

FALSE_STRINGS = frozenset({"false", "0", "-0", ""})


def is_truthy(value: Any) -> bool:
    """Kestra's ``TruthUtils``: the rendered text is false if it is false, 0, -0 or empty.

    ``runIf`` and ``If.condition`` render their expression to a string first, so ``0.0`` (which
    prints ``0.0``) and an empty list (``[]``) are true, and null is false.
    """
    if value is None:
        return False
    return to_output(value) not in FALSE_STRINGS


def pebble_bool(value: Any, where: str) -> bool:
    """Pebble's ``compatibleCast(value, Boolean)`` as ``if``, ``not``, ``and`` and ``or`` use it.

    Booleans are themselves, numbers are true unless zero, strings unless empty (so the string
    ``"false"`` is true); null and other types are errors in strict mode.
    """
    if isinstance(value, bool):
        return value
    if is_number(value):
        return not (value != value or value == 0)
    if isinstance(value, str):
        return value != ""
    if value is None:
        raise ExpressionError(f"null value given to {where} and strict variables is set to true")
    raise ExpressionError(
        f"Unsupported value type {type_name(value)}. Expected Boolean, String, Number in {where}"
    )


def type_name(value: Any) -> str:
    """A short, Java-flavoured name of a value's type for messages."""
    if isinstance(value, Mapping):
        return "Map"
    if isinstance(value, list | tuple):
        return "List"
    return type(value).__name__


# --- equality and order ----------------------------------------------------------------------


def _as_decimal(value: Any) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(number_str(value))


def java_equals(left: Any, right: Any) -> bool:
    """Pebble's ``==``: numbers compare by value, everything else with ``Objects.equals``."""
    if left is right:
        return True
    if left is None or right is None:
        return False
    if isinstance(left, bool) or isinstance(right, bool):
        return isinstance(left, bool) and isinstance(right, bool) and left == right
    if is_number(left) and is_number(right):
        if isinstance(left, Decimal) != isinstance(right, Decimal):
            return _as_decimal(left) == _as_decimal(right)
        return bool(left == right)
    if isinstance(left, str) or isinstance(right, str):
        return isinstance(left, str) and isinstance(right, str) and left == right
    if isinstance(left, list | tuple) and isinstance(right, list | tuple):
        return len(left) == len(right) and all(map(java_equals, left, right))
    if isinstance(left, Mapping) and isinstance(right, Mapping):
        if len(left) != len(right):
            return False
        return all(k in right and java_equals(v, right[k]) for k, v in left.items())
    return bool(left == right)


def compare(left: Any, right: Any, op: str) -> bool:
    """``<``, ``<=``, ``>``, ``>=``: Kestra compares two strings, Pebble two numbers.

    A null operand makes the comparison false, as in Pebble; dates compare too.
    """
    if left is None or right is None:
        return False
    if isinstance(left, str) and isinstance(right, str):
        pass
    elif is_number(left) and is_number(right):
        if isinstance(left, Decimal) != isinstance(right, Decimal):
            left, right = _as_decimal(left), _as_decimal(right)
    elif not (isinstance(left, dt.date) and isinstance(right, dt.date)):
        raise ExpressionError(
            f"Could not perform comparison {op} between {type_name(left)} and {type_name(right)}"
        )
    try:
        if op == "<":
            return bool(left < right)
        if op == "<=":
            return bool(left <= right)
        if op == ">":
            return bool(left > right)
        return bool(left >= right)
    except TypeError as exc:
        raise ExpressionError(f"Could not perform comparison {op}: {exc}") from exc


# --- arithmetic ------------------------------------------------------------------------------


def to_number(value: Any, op: str) -> Any:
    """An operand of ``- * / %``: a number, or a string that reads as one (Pebble 3.2)."""
    if is_number(value):
        return value
    if isinstance(value, str):
        text = value.strip()
        try:
            return int(text)
        except ValueError:
            try:
                return float(text)
            except ValueError:
                pass
    raise ExpressionError(f"invalid operands for mathematical operation [{op}]")


def _long(value: int) -> int:
    # Java's long arithmetic wraps around on overflow.
    if _LONG_MIN <= value < -_LONG_MIN:
        return value
    return (value - _LONG_MIN) % _LONG_SPAN + _LONG_MIN


def arithmetic(op: str, left: Any, right: Any) -> Any:
    """``+ - * / %`` with Java's binary numeric promotion.

    ``+`` concatenates when either side is a string and appends to a list; two integers give an
    integer (``/`` truncates toward zero, ``%`` takes the dividend's sign), as Pebble's
    ``OperatorUtils`` does; a float or decimal operand widens the result.
    """
    if op == "+":
        if isinstance(left, str) or isinstance(right, str):
            return java_str(left) + java_str(right)
        if isinstance(left, list):
            return left + (list(right) if isinstance(right, list | tuple) else [right])
    elif op == "-" and isinstance(left, list):
        removed = list(right) if isinstance(right, list | tuple) else [right]
        return [item for item in left if not any(java_equals(item, r) for r in removed)]
    x, y = to_number(left, op), to_number(right, op)
    if isinstance(x, Decimal) or isinstance(y, Decimal):
        return _decimal_op(op, _as_decimal(x), _as_decimal(y))
    if isinstance(x, float) or isinstance(y, float):
        result = _float_op(op, float(x), float(y))
        both_small = not (type(x) is float or type(y) is float)
        return JavaFloat(struct.unpack("f", struct.pack("f", result))[0]) if both_small else result
    return _long_op(op, int(x), int(y))


def _float_op(op: str, x: float, y: float) -> float:
    if op == "+":
        return x + y
    if op == "-":
        return x - y
    if op == "*":
        return x * y
    if y == 0:
        if op == "%" or x == 0 or x != x:
            return math.nan
        return math.copysign(math.inf, x) * math.copysign(1.0, y)
    return x / y if op == "/" else math.fmod(x, y)


def _long_op(op: str, x: int, y: int) -> int:
    if op == "+":
        return _long(x + y)
    if op == "-":
        return _long(x - y)
    if op == "*":
        return _long(x * y)
    if y == 0:
        raise ExpressionError("/ by zero")
    quotient = abs(x) // abs(y)
    if (x < 0) != (y < 0):
        quotient = -quotient
    return _long(quotient) if op == "/" else x - quotient * y


def _decimal_op(op: str, x: Decimal, y: Decimal) -> Decimal:
    with decimal_context() as context:
        context.prec = 34  # MathContext.DECIMAL128
        try:
            if op == "+":
                return x + y
            if op == "-":
                return x - y
            if op == "*":
                return x * y
            return x / y if op == "/" else x % y
        except (DivisionByZero, InvalidOperation) as exc:
            raise ExpressionError("Division by zero") from exc


def negate(value: Any) -> Any:
    """Unary minus: Pebble multiplies by -1."""
    return arithmetic("*", -1, value)


def plus(value: Any) -> Any:
    """Unary plus: Pebble multiplies by 1, which checks the operand is a number."""
    return arithmetic("*", 1, value)
