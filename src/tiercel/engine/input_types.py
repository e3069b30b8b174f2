"""Coercion of one raw input value into the value an input type holds, ready for JSON.

Raw values arrive as text (CLI arguments, API form fields) or already typed (JSON bodies, YAML
defaults). Every function here returns something ``json.dumps`` takes as is: instants, dates,
times and durations become the strings Java's ``toString`` prints for them
(``2042-04-02T04:20:42Z``, ``2042-12-03``, ``10:15``, ``PT5M6S``), so an execution stores and
renders them exactly as Kestra shows them. A value that does not fit raises ``InvalidValue``
with the reason, in Kestra's words where Kestra has some.
"""

import calendar
import datetime as dt
import json
import math
import re
from collections.abc import Callable, Mapping
from typing import Any

import yaml

from tiercel.expr.javatypes import java_double_str
from tiercel.expr.yaml_text import TextDatesLoader, without_resolvers
from tiercel.model.input import InputType

INT_MIN = -(2**31)
INT_MAX = 2**31 - 1
"""Kestra's INT is a Java ``Integer``: values outside 32 bits are refused."""

_NANOS = 10**9
_MAX_DEPTH = 200
_MAX_NODES = 1_000_000
_MAX_SHOWN = 200


class InvalidValue(ValueError):
    """A raw value does not fit its input type; the message says why."""


def java_str(value: Any) -> str:
    """Print a value as Java's ``toString`` would, as Kestra's error messages show values."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return java_double_str(value)
    if isinstance(value, str):
        return value
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{java_str(k)}={java_str(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(java_str(item) for item in value) + "]"
    return str(value)


def shown(value: Any) -> str:
    """``java_str``, cut short so that a large value does not drown the message around it."""
    text = java_str(value)
    return text if len(text) <= _MAX_SHOWN else text[: _MAX_SHOWN - 3] + "..."


# --- scalars ---------------------------------------------------------------------------------

_INT = re.compile(r"[+-]?[0-9]+")
_DECIMAL = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?[fFdD]?")


def to_text(value: Any) -> str:
    """Text as given; a number or boolean becomes the text Java prints for it."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool | int | float):
        return java_str(value)
    raise InvalidValue("it must be a string")


def to_int(value: Any) -> int:
    """A whole number within Java's ``Integer`` range, from an int or decimal digits."""
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, str) and _INT.fullmatch(value):
        number = int(value)
    else:
        raise InvalidValue("it must be an integer")
    if not INT_MIN <= number <= INT_MAX:
        raise InvalidValue(f"it must be an integer between `{INT_MIN}` and `{INT_MAX}`")
    return number


def to_float(value: Any) -> float:
    """A finite decimal number, from a number or its text (``Float.valueOf`` syntax)."""
    try:
        if isinstance(value, int | float) and not isinstance(value, bool):
            number = float(value)
        elif isinstance(value, str) and _DECIMAL.fullmatch(value.strip()):
            number = float(value.strip().rstrip("fFdD"))
        else:
            raise InvalidValue("it must be a number")
    except OverflowError:
        number = math.inf
    if not math.isfinite(number):
        raise InvalidValue("it must be a finite number")
    return number


def to_bool(value: Any) -> bool:
    """A boolean, or the text ``true`` or ``false`` in any letter case."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    raise InvalidValue("it must be `true` or `false`")


_URI = re.compile(
    r"[a-z]+://(?:www\.)?[-a-zA-Z0-9@:%._+~#=]{1,256}\.[a-zA-Z0-9()]{1,6}\b"
    r"[-a-zA-Z0-9()@:%_+.~#?&/=]*",
    re.ASCII,
)
_EMAIL = re.compile(r"|[a-zA-Z0-9_!#$%&’*+/=?`{|}~^.-]+@[a-zA-Z0-9.-]+")


def to_uri(value: Any) -> str:
    """Text that matches the URL pattern Kestra checks URI inputs against."""
    text = to_text(value)
    if not _URI.fullmatch(text):
        raise InvalidValue(f"Expected `URI` but received `{shown(text)}`")
    return text


def is_email(text: str) -> bool:
    """Whether text passes Kestra's e-mail pattern (which also lets the empty string through)."""
    return _EMAIL.fullmatch(text) is not None


# --- dates, times and durations --------------------------------------------------------------

_INSTANT = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?"
    r"([Zz]|[+-]\d{2}:\d{2}(?::\d{2})?)"
)
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_TIME = re.compile(r"(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?")
_DURATION = re.compile(
    r"([-+]?)P(?:([-+]?[0-9]+)D)?"
    r"(T(?:([-+]?[0-9]+)H)?(?:([-+]?[0-9]+)M)?(?:([-+]?[0-9]+)(?:[.,]([0-9]{0,9}))?S)?)?",
    re.IGNORECASE,
)
_EPOCH = dt.datetime(1970, 1, 1)

INSTANT_HINT = "it must be an ISO-8601 date-time with a time zone, like `2042-04-02T04:20:42Z`"
DATE_HINT = "it must be an ISO-8601 date, like `2042-12-03`"
TIME_HINT = "it must be an ISO-8601 time, like `10:15:30`"
DURATION_HINT = "it must be an ISO-8601 duration, like `PT5M6S`"


def _fraction(nanos: int) -> str:
    # java.time prints a fraction of second in groups of three digits.
    if nanos == 0:
        return ""
    if nanos % 1_000_000 == 0:
        return f".{nanos // 1_000_000:03d}"
    if nanos % 1000 == 0:
        return f".{nanos // 1000:06d}"
    return f".{nanos:09d}"


def _nanos(digits: str | None) -> int:
    return int((digits or "").ljust(9, "0"))


def _offset_seconds(text: str) -> int:
    if text in ("Z", "z"):
        return 0
    parts = [int(part) for part in text[1:].split(":")]
    hours, minutes, seconds = [*parts, 0][:3]
    if minutes > 59 or seconds > 59 or hours * 3600 + minutes * 60 + seconds > 18 * 3600:
        raise InvalidValue(INSTANT_HINT)
    total = hours * 3600 + minutes * 60 + seconds
    return -total if text[0] == "-" else total


def parse_instant(value: Any) -> tuple[int, int]:
    """Read an instant (``Instant.parse`` syntax, or an aware datetime).

    Returns:
        Seconds since the epoch and the nanoseconds within that second.
    """
    if isinstance(value, dt.datetime):
        if value.utcoffset() is None:
            raise InvalidValue(INSTANT_HINT)
        return calendar.timegm(value.utctimetuple()), value.microsecond * 1000
    match = _INSTANT.fullmatch(value) if isinstance(value, str) else None
    if match is None:
        raise InvalidValue(INSTANT_HINT)
    year, month, day, hour, minute, second = (int(field) for field in match.groups()[:6])
    try:
        local = dt.datetime(year, month, day, hour, minute, second)
    except ValueError:
        raise InvalidValue(INSTANT_HINT) from None
    return calendar.timegm(local.timetuple()) - _offset_seconds(match[8]), _nanos(match[7])


def format_instant(instant: tuple[int, int]) -> str:
    """``Instant.toString``: UTC, ``Z``, a fraction only when there is one."""
    seconds, nanos = instant
    try:
        moment = _EPOCH + dt.timedelta(seconds=seconds)
    except OverflowError:
        raise InvalidValue(INSTANT_HINT) from None
    return (
        f"{moment.year:04d}-{moment.month:02d}-{moment.day:02d}"
        f"T{moment.hour:02d}:{moment.minute:02d}:{moment.second:02d}{_fraction(nanos)}Z"
    )


def parse_date(value: Any) -> dt.date:
    """Read a date (``LocalDate.parse`` syntax: ``2042-12-03``, or a ``date``)."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, str) and _DATE.fullmatch(value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise InvalidValue(DATE_HINT)


def parse_time(value: Any) -> int:
    """Read a time of day (``LocalTime.parse`` syntax, or a ``time``) as nanoseconds."""
    if isinstance(value, dt.time):
        seconds = value.hour * 3600 + value.minute * 60 + value.second
        return seconds * _NANOS + value.microsecond * 1000
    match = _TIME.fullmatch(value) if isinstance(value, str) else None
    if match is None:
        raise InvalidValue(TIME_HINT)
    hour, minute, second = int(match[1]), int(match[2]), int(match[3] or 0)
    if hour > 23 or minute > 59 or second > 59:
        raise InvalidValue(TIME_HINT)
    return (hour * 3600 + minute * 60 + second) * _NANOS + _nanos(match[4])


def format_time(nanos_of_day: int) -> str:
    """``LocalTime.toString``: ``10:15``, ``10:15:30``, ``10:15:30.500``."""
    hour, rest = divmod(nanos_of_day, 3600 * _NANOS)
    minute, rest = divmod(rest, 60 * _NANOS)
    second, nanos = divmod(rest, _NANOS)
    text = f"{hour:02d}:{minute:02d}"
    if second or nanos:
        text += f":{second:02d}{_fraction(nanos)}"
    return text


def parse_duration(value: Any) -> int:
    """Read a duration (``Duration.parse`` syntax: days to seconds, or a ``timedelta``).

    Returns:
        The duration in nanoseconds.
    """
    if isinstance(value, dt.timedelta):
        return ((value.days * 86400 + value.seconds) * 1_000_000 + value.microseconds) * 1000
    match = _DURATION.fullmatch(value) if isinstance(value, str) else None
    if match is None:
        raise InvalidValue(DURATION_HINT)
    sign, days, time_part, hours, minutes, seconds, fraction = match.groups()
    if (days is None and time_part is None) or time_part in ("T", "t"):
        raise InvalidValue(DURATION_HINT)
    whole = int(days or 0) * 86400 + int(hours or 0) * 3600 + int(minutes or 0) * 60
    total = (whole + int(seconds or 0)) * _NANOS
    if fraction:
        total += -_nanos(fraction) if seconds.startswith("-") else _nanos(fraction)
    return -total if sign == "-" else total


def _java_div(a: int, b: int) -> int:
    # Java's integer division truncates towards zero; Python's floors.
    return -(-a // b) if a < 0 else a // b


def format_duration(nanos: int) -> str:
    """``Duration.toString``: ``PT0S``, ``PT5M6S``, ``PT24H`` for a day, ``PT-0.5S``."""
    if nanos == 0:
        return "PT0S"
    seconds, fraction = divmod(nanos, _NANOS)
    effective = seconds + 1 if seconds < 0 and fraction > 0 else seconds
    hours = _java_div(effective, 3600)
    minutes = _java_div(effective - hours * 3600, 60)
    secs = effective - hours * 3600 - minutes * 60
    text = "PT"
    if hours:
        text += f"{hours}H"
    if minutes:
        text += f"{minutes}M"
    if secs == 0 and fraction == 0 and len(text) > 2:
        return text
    text += "-0" if seconds < 0 and fraction > 0 and secs == 0 else str(secs)
    if fraction > 0:
        digits = str(2 * _NANOS - fraction if seconds < 0 else _NANOS + fraction).rstrip("0")
        text += "." + digits[1:]
    return text + "S"


# --- documents and lists ---------------------------------------------------------------------


class _YamlLoader(TextDatesLoader):
    """Safe YAML typed as Jackson types it: dates stay text, only true/false are booleans."""


_YamlLoader.yaml_implicit_resolvers = without_resolvers(TextDatesLoader, ":bool")
_YamlLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON value")


def plain(value: Any) -> Any:
    """Copy a parsed document into JSON's types: string keys, finite numbers, lists, maps.

    Raises:
        InvalidValue: The document holds something JSON cannot (a NaN, bytes...), or is too
            deep or too large (a YAML alias bomb expands here, so this is where it is stopped).
    """
    budget = [_MAX_NODES]

    def copy(item: Any, depth: int) -> Any:
        budget[0] -= 1
        if budget[0] < 0 or depth > _MAX_DEPTH:
            raise InvalidValue("it is too large or too deeply nested")
        if item is None or isinstance(item, str | int):
            return item
        if isinstance(item, float):
            if not math.isfinite(item):
                raise InvalidValue("it must not hold NaN or infinite numbers")
            return item
        if isinstance(item, Mapping):
            return {java_str(key): copy(child, depth + 1) for key, child in item.items()}
        if isinstance(item, list | tuple):
            return [copy(child, depth + 1) for child in item]
        raise InvalidValue(f"it holds a value that JSON cannot store ({type(item).__name__})")

    return copy(value, 0)


def to_json(value: Any) -> Any:
    """A JSON document parsed from text; an already parsed value is kept (as JSON types)."""
    if isinstance(value, str):
        try:
            value = json.loads(value, parse_constant=_no_constant)
        except (ValueError, RecursionError) as exc:
            raise InvalidValue(f"it must be valid JSON ({exc})") from None
    return plain(value)


def to_yaml(value: Any) -> Any:
    """A YAML document parsed from text; an already parsed value is kept (as JSON types)."""
    if isinstance(value, str):
        try:
            value = yaml.load(value, Loader=_YamlLoader)
        except (yaml.YAMLError, RecursionError) as exc:
            raise InvalidValue(f"it must be valid YAML ({exc})") from None
    return plain(value)


def to_list(value: Any) -> list[Any]:
    """A list, or the text of a JSON array."""
    if isinstance(value, str):
        try:
            value = json.loads(value, parse_constant=_no_constant)
        except (ValueError, RecursionError):
            raise InvalidValue("it must be a JSON array") from None
    if not isinstance(value, list | tuple):
        raise InvalidValue("it must be a JSON array")
    return list(value)


COERCERS: dict[InputType, Callable[[Any], Any]] = {
    InputType.STRING: to_text,
    InputType.SECRET: to_text,
    InputType.SELECT: to_text,
    InputType.ENUM: to_text,
    InputType.EMAIL: to_text,
    InputType.URI: to_uri,
    InputType.INT: to_int,
    InputType.FLOAT: to_float,
    InputType.BOOLEAN: to_bool,
    InputType.BOOL: to_bool,
    InputType.DATETIME: lambda value: format_instant(parse_instant(value)),
    InputType.DATE: lambda value: parse_date(value).isoformat(),
    InputType.TIME: lambda value: format_time(parse_time(value)),
    InputType.DURATION: lambda value: format_duration(parse_duration(value)),
    InputType.JSON: to_json,
    InputType.YAML: to_yaml,
}
"""How a value of each scalar or document type is read. FILE, ARRAY and MULTISELECT need
more than the value (storage, an item type) and are handled by the caller."""
