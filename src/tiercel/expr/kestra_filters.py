"""Kestra's own filters: dates, JSON/YAML/Ion, jq, number parsing and type names."""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from tiercel.expr import dates
from tiercel.expr.errors import ExpressionError
from tiercel.expr.filters import registrar
from tiercel.expr.javatypes import BigInteger, JavaFloat
from tiercel.expr.jsonfmt import to_ion, to_json, to_plain, to_yaml
from tiercel.expr.runtime import Runtime
from tiercel.expr.values import java_str, optional_str, to_output, type_name

try:  # jq is an optional wheel; without it the jq filter says so when used.
    import jq as _jq  # type: ignore[import-not-found]
except ImportError:  # pragma: no cover - exercised only where jq is not installed
    _jq = None


FILTERS: dict[str, Callable[..., Any]] = {}
register = registrar(FILTERS)


def _zone_arg(rt: Runtime, time_zone: Any) -> str:
    return java_str(time_zone) if time_zone is not None else rt.env.time_zone


# --- dates -----------------------------------------------------------------------------------


@register("date")
def date(
    rt: Runtime,
    value: Any,
    format: Any = None,
    timeZone: Any = None,
    existingFormat: Any = None,
    locale: Any = None,
) -> Any:
    if value is None:
        return None
    return dates.render_date(
        value,
        optional_str(format),
        optional_str(timeZone),
        optional_str(existingFormat),
        rt.env.time_zone,
    )


@register("dateAdd")
def date_add(
    rt: Runtime,
    value: Any,
    amount: Any = None,
    unit: Any = None,
    format: Any = None,
    timeZone: Any = None,
    existingFormat: Any = None,
    locale: Any = None,
) -> Any:
    if value is None:
        return None
    if not isinstance(amount, int) or isinstance(amount, bool):
        raise ExpressionError("The 'dateAdd' filter expects an integer 'amount'")
    moment = dates.add(_moment(rt, value, timeZone, existingFormat), amount, java_str(unit))
    return dates.render_date(moment, optional_str(format), _zone_arg(rt, timeZone), None, "")


def _moment(rt: Runtime, value: Any, time_zone: Any, existing_format: Any) -> dt.datetime:
    zone = dates.zone(_zone_arg(rt, time_zone))
    existing = optional_str(existing_format)
    return dates.to_datetime(value, zone, existing)


@register("timestamp")
def timestamp(rt: Runtime, value: Any, timeZone: Any = None, existingFormat: Any = None) -> Any:
    return (
        None if value is None else dates.epoch_seconds(_moment(rt, value, timeZone, existingFormat))
    )


@register("timestampMilli")
def timestamp_milli(
    rt: Runtime,
    value: Any,
    timeZone: Any = None,
    existingFormat: Any = None,
) -> Any:
    if value is None:
        return None
    moment = _moment(rt, value, timeZone, existingFormat)
    return dates.epoch_seconds(moment) * 1000 + moment.microsecond // 1000


@register("timestampMicro")
def timestamp_micro(
    rt: Runtime,
    value: Any,
    timeZone: Any = None,
    existingFormat: Any = None,
) -> Any:
    if value is None:
        return None
    moment = _moment(rt, value, timeZone, existingFormat)
    # Kestra computes seconds-in-nanos plus micros-of-second, and we keep its arithmetic.
    return str(dates.epoch_seconds(moment) * 1_000_000_000 + moment.microsecond)


@register("timestampNano")
def timestamp_nano(
    rt: Runtime,
    value: Any,
    timeZone: Any = None,
    existingFormat: Any = None,
) -> Any:
    if value is None:
        return None
    moment = _moment(rt, value, timeZone, existingFormat)
    return dates.epoch_seconds(moment) * 1_000_000_000 + moment.microsecond * 1000


# --- serialisation ---------------------------------------------------------------------------


@register("toJson", "json", "jsonEncode")
def to_json_filter(rt: Runtime, value: Any, includeNulls: Any = False) -> Any:
    return "null" if value is None else to_json(value, include_nulls=includeNulls is True)


@register("yaml")
def yaml_filter(rt: Runtime, value: Any) -> Any:
    return "null" if value is None else to_yaml(value)


@register("toIon")
def to_ion_filter(rt: Runtime, value: Any) -> Any:
    return "null" if value is None else to_ion(value)


@functools.lru_cache(maxsize=256)
def _jq_program(expression: str) -> Any:
    if _jq is None:
        raise ExpressionError("The 'jq' filter needs the 'jq' package, which is not installed")
    try:
        return _jq.compile(expression)
    except ValueError as exc:
        raise ExpressionError(f"Invalid jq expression '{expression}': {exc}") from exc


@register("jq")
def jq_filter(rt: Runtime, value: Any, expression: Any = None) -> Any:
    """Run a jq program; the result is always a list of every output, as in Kestra."""
    if value is None:
        return None
    if expression is None:
        raise ExpressionError("The 'jq' filter expects an argument 'expression'.")
    program = _jq_program(java_str(expression))
    try:
        if isinstance(value, str):
            return list(program.input_text(value).all())
        return list(program.input_value(to_plain(value)).all())
    except ValueError as exc:
        raise ExpressionError(
            f"Failed to resolve JQ expression '{expression}' and value '{to_output(value)}': {exc}"
        ) from exc


# --- types -----------------------------------------------------------------------------------

_INT_MIN, _INT_MAX = -(2**31), 2**31 - 1
_LONG_MIN, _LONG_MAX = -(2**63), 2**63 - 1
_DECIMAL = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")


def _integer(text: str, low: int, high: int, name: str) -> int:
    try:
        number = int(text, 16) if text.lower().startswith(("0x", "-0x")) else int(text)
    except ValueError as exc:
        raise ExpressionError(f"'{text}' is not a valid {name}") from exc
    if not low <= number <= high:
        raise ExpressionError(f"'{text}' is out of range for {name}")
    return number


def _float32(text: str) -> JavaFloat:
    try:
        return JavaFloat(float(text.rstrip("fF")))
    except ValueError as exc:
        raise ExpressionError(f"'{text}' is not a valid float") from exc


def _infer(text: str) -> Any:
    """``NumberUtils.createNumber``: Integer, Long or BigInteger; Float, Double or BigDecimal."""
    suffix = text[-1:] if text[-1:] in "lLfFdD" and not text.lower().startswith("0x") else ""
    body = text[:-1] if suffix else text
    if suffix in ("l", "L"):
        return _integer(body, _LONG_MIN, _LONG_MAX, "long")
    if suffix in ("f", "F"):
        return _float32(body)
    if suffix in ("d", "D"):
        return float(body)
    if re.fullmatch(r"[+-]?(\d+|0[xX][0-9a-fA-F]+)", body):
        number = int(body, 16) if "x" in body.lower() else int(body)
        return number if number <= _LONG_MAX and number >= _LONG_MIN else BigInteger(number)
    if not _DECIMAL.match(body):
        raise ExpressionError(f"'{text}' is not a valid number")
    decimals = len(body.split(".")[1].split("e")[0].split("E")[0]) if "." in body else 0
    if decimals <= 7:
        small = _float32(body)
        if not (
            small in (float("inf"), float("-inf")) or (float(small) == 0.0 and float(body) != 0.0)
        ):
            return small
    if decimals <= 16:
        return float(body)
    return Decimal(body)


@register("number")
def number(rt: Runtime, value: Any, type: Any = None) -> Any:
    if value is None:
        return None
    if not isinstance(value, str):
        raise ExpressionError(
            f"'number' filter can only be applied to String. Actual type was: {type_name(value)}"
        )
    text = value.strip()
    kind = "" if type is None else java_str(type).upper()
    parsers: dict[str, Callable[[], Any]] = {
        "INT": lambda: _integer(text, _INT_MIN, _INT_MAX, "int"),
        "LONG": lambda: _integer(text.rstrip("lL"), _LONG_MIN, _LONG_MAX, "long"),
        "FLOAT": lambda: _float32(text),
        "DOUBLE": lambda: float(text.rstrip("dD")),
        "BIGDECIMAL": lambda: Decimal(text),
        "BIGINTEGER": lambda: BigInteger(int(text)),
    }
    try:
        return parsers[kind]() if kind in parsers else _infer(text)
    except (ValueError, InvalidOperation) as exc:
        raise ExpressionError(f"'{text}' is not a valid number: {exc}") from exc


def java_class_name(value: Any) -> str | None:
    """The Java class Kestra would hold this value as (what ``className`` prints)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "java.lang.Boolean"
    if isinstance(value, str):
        return "java.lang.String"
    if isinstance(value, BigInteger):
        return "java.math.BigInteger"
    if isinstance(value, int):
        return "java.lang.Integer" if _INT_MIN <= value <= _INT_MAX else "java.lang.Long"
    if isinstance(value, JavaFloat):
        return "java.lang.Float"
    if isinstance(value, float):
        return "java.lang.Double"
    if isinstance(value, Decimal):
        return "java.math.BigDecimal"
    if isinstance(value, Mapping):
        return "java.util.LinkedHashMap"
    if isinstance(value, list | tuple | set | frozenset):
        return "java.util.ArrayList"
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            return "java.time.LocalDateTime"
        return "java.time.Instant" if value.tzinfo is dt.UTC else "java.time.ZonedDateTime"
    if isinstance(value, dt.date):
        return "java.time.LocalDate"
    return type(value).__module__ + "." + type(value).__qualname__


@register("className")
def class_name(rt: Runtime, value: Any) -> Any:
    return java_class_name(value)


@register("string")
def string(rt: Runtime, value: Any) -> Any:
    if value is None:
        return None
    return to_output(value)


def parse_json(text: Any, name: str) -> Any:
    """Read a JSON document (``fromJson``); null stays null."""
    if text is None:
        return None
    if not isinstance(text, str):
        raise ExpressionError(f"The '{name}' function expects an argument 'json' with type string.")
    try:
        return json.loads(text, parse_float=float)
    except ValueError as exc:
        raise ExpressionError(f"Invalid json: {exc}") from exc
