"""Kestra's date filters (``AbstractDate``): read a value as a date, shift it, format it.

A value becomes a zoned date-time as Kestra's ``convert`` does: an aware datetime keeps its
zone, a naive one takes the ``timeZone`` argument, a ``date`` is taken at noon, an integer is
epoch *seconds*, and a string is parsed as ISO (zoned, then local date-time, then date) or
with ``existingFormat``. The output is always shown in the ``timeZone`` zone, which defaults to
the environment's zone (Kestra uses the JVM's default zone).
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import zoneinfo
from typing import Any

from tiercel.expr.errors import ExpressionError
from tiercel.expr.javatime import DAYS, MONTHS, Parsed, format_pattern, parse_pattern
from tiercel.expr.javatypes import is_number
from tiercel.expr.jsonfmt import offset_str, zone_name

PATTERNS = {
    "iso": "yyyy-MM-dd'T'HH:mm:ss.SSSSSSXXX",
    "iso_sec": "yyyy-MM-dd'T'HH:mm:ssXXX",
    "sql": "yyyy-MM-dd HH:mm:ss.SSSSSS",
    "sql_seq": "yyyy-MM-dd HH:mm:ss",
}
_STYLES = {
    "short": "M/d/yy, h:mm a",
    "medium": "MMM d, y, h:mm:ss a",
    "long": "MMMM d, y 'at' h:mm:ss a z",
    "full": "EEEE, MMMM d, y 'at' h:mm:ss a z",
}
_OFFSET = re.compile(r"^(?:GMT|UTC|UT)?([+-])(\d{1,2})(?::?(\d{2}))?(?::?(\d{2}))?$")
_BRACKET_ZONE = re.compile(r"^(.*)\[([^\]]+)\]$")
_LONG_FRACTION = re.compile(r"(\.\d{6})\d+")


@functools.lru_cache(maxsize=256)
def zone(name: str) -> dt.tzinfo:
    """``ZoneId.of``: a region (``Europe/Paris``, ``UTC``) or an offset (``+02:00``, ``Z``)."""
    if name == "Z":
        return dt.UTC
    if name in ("UTC", "GMT", "UT"):
        return zoneinfo.ZoneInfo("UTC")
    match = _OFFSET.match(name)
    if match is not None:
        sign, hours, minutes, seconds = match.groups()
        delta = dt.timedelta(hours=int(hours), minutes=int(minutes or 0), seconds=int(seconds or 0))
        return dt.timezone(-delta if sign == "-" else delta)
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
        raise ExpressionError(f"Unknown time-zone ID: {name}") from exc


def _parse_iso(text: str) -> Parsed:
    zone_id = None
    bracket = _BRACKET_ZONE.match(text)
    if bracket is not None:
        text, zone_id = bracket.groups()
    text = _LONG_FRACTION.sub(r"\1", text)
    try:
        if "T" in text or "t" in text:
            value = dt.datetime.fromisoformat(text)
            region = zone(zone_id) if zone_id else value.tzinfo
            if region is not None and value.tzinfo is not None:
                value = value.astimezone(region)
            return Parsed(value.replace(tzinfo=None), True, region)
        return Parsed(dt.datetime.combine(dt.date.fromisoformat(text), dt.time()), False, None)
    except ValueError as exc:
        raise ExpressionError(f"Text '{text}' could not be parsed as a date") from exc


_RFC_1123 = re.compile(
    r"^(?:[A-Za-z]{3},\s*)?(\d{1,2})\s+([A-Za-z]{3})\s+(\d{4})\s+(\d{2}):(\d{2})(?::(\d{2}))?"
    r"\s+(GMT|Z|UT|[+-]\d{4})$"
)


def _parse_rfc_1123(text: str) -> Parsed:
    match = _RFC_1123.match(text.strip())
    if match is None:
        raise ExpressionError(f"Text '{text}' could not be parsed as an RFC 1123 date")
    day, month, year, hour, minute, second, offset = match.groups()
    months = [m[:3].lower() for m in MONTHS]
    value = dt.datetime(
        int(year),
        months.index(month.lower()) + 1,
        int(day),
        int(hour),
        int(minute),
        int(second or 0),
    )
    return Parsed(value, True, zone("Z" if offset in ("GMT", "Z", "UT") else offset))


def parse(text: str, existing_format: str | None) -> Parsed:
    """Read a date string as ISO, or with ``existingFormat`` (a preset or a Java pattern)."""
    if existing_format is None or existing_format.startswith("iso_"):
        return _parse_iso(text)
    if existing_format == "rfc_1123_date_time":
        return _parse_rfc_1123(text)
    pattern = PATTERNS.get(existing_format) or _STYLES.get(existing_format) or existing_format
    return parse_pattern(text, pattern, zone)


def to_datetime(value: Any, tz: dt.tzinfo, existing_format: str | None = None) -> dt.datetime:
    """Kestra's ``AbstractDate.convert``: any supported value as an aware datetime."""
    if isinstance(value, dt.datetime):
        return value if value.tzinfo is not None else value.replace(tzinfo=tz)
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time(12), tz)
    if is_number(value) and isinstance(value, int):
        return dt.datetime.fromtimestamp(int(value), tz)
    if isinstance(value, str):
        parsed = parse(value, existing_format)
        if parsed.zone is not None:
            return parsed.value.replace(tzinfo=parsed.zone)
        return parsed.value.replace(tzinfo=tz)
    raise ExpressionError(f"Unsupported date value {value!r} of type {type(value).__name__}")


# --- formatting ------------------------------------------------------------------------------


def _iso_time(value: dt.datetime) -> str:
    text = f"{value.hour:02d}:{value.minute:02d}:{value.second:02d}"
    return text + ("" if not value.microsecond else "." + f"{value.microsecond:06d}".rstrip("0"))


def _zone_suffix(value: dt.datetime) -> str:
    region = zone_name(value)
    return f"[{region}]" if region else ""


def _iso_week(value: dt.datetime) -> str:
    year, week, weekday = value.isocalendar()
    return f"{year}-W{week:02d}-{weekday}"


def _preset(value: dt.datetime, name: str) -> str | None:
    offset = offset_str(value.utcoffset())
    date = value.date().isoformat()
    presets = {
        "iso_date_time": lambda: f"{date}T{_iso_time(value)}{offset}{_zone_suffix(value)}",
        "iso_zoned_date_time": lambda: f"{date}T{_iso_time(value)}{offset}{_zone_suffix(value)}",
        "iso_offset_date_time": lambda: f"{date}T{_iso_time(value)}{offset}",
        "iso_local_date_time": lambda: f"{date}T{_iso_time(value)}",
        "iso_date": lambda: date + offset,
        "iso_local_date": lambda: date,
        "iso_time": lambda: _iso_time(value) + offset,
        "iso_offset_time": lambda: _iso_time(value) + offset,
        "iso_local_time": lambda: _iso_time(value),
        "iso_ordinal_date": lambda: f"{value.year}-{value.timetuple().tm_yday:03d}{offset}",
        "iso_week_date": lambda: _iso_week(value) + offset,
        "iso_instant": lambda: _instant(value),
        "rfc_1123_date_time": lambda: _rfc_1123(value),
    }
    build = presets.get(name)
    return build() if build is not None else None


def _instant(value: dt.datetime) -> str:
    utc = value.astimezone(dt.UTC)
    micro = utc.microsecond
    fraction = (
        "" if not micro else f".{micro // 1000:03d}" if micro % 1000 == 0 else f".{micro:06d}"
    )
    return f"{utc.date().isoformat()}T{utc.hour:02d}:{utc.minute:02d}:{utc.second:02d}{fraction}Z"


def _rfc_1123(value: dt.datetime) -> str:
    seconds = int(value.utcoffset().total_seconds())  # type: ignore[union-attr]
    offset = "GMT" if seconds == 0 else format_pattern(value, "xx")
    return (
        f"{DAYS[value.weekday()][:3]}, {value.day} {MONTHS[value.month - 1][:3]} {value.year} "
        f"{value.hour:02d}:{value.minute:02d}:{value.second:02d} {offset}"
    )


def format_datetime(value: dt.datetime, fmt: str) -> str:
    """Format with a Kestra preset name, a style (``short``...) or a Java pattern."""
    preset = _preset(value, fmt)
    if preset is not None:
        return preset
    return format_pattern(value, PATTERNS.get(fmt) or _STYLES.get(fmt) or fmt)


def render_date(
    value: Any,
    fmt: str | None,
    tz_name: str | None,
    existing_format: str | None,
    default_tz: str,
) -> str:
    """The ``date`` filter: convert, move to the target zone, format (default ``iso``)."""
    tz = zone(tz_name or default_tz)
    moment = to_datetime(value, tz, existing_format).astimezone(tz)
    return format_datetime(moment, fmt if fmt is not None else "iso")


_DATE_UNITS = {"DAYS": 1, "WEEKS": 7}
_MONTH_UNITS = {"MONTHS": 1, "YEARS": 12, "DECADES": 120, "CENTURIES": 1200, "MILLENNIA": 12000}
_TIME_UNITS = {
    "NANOS": dt.timedelta(microseconds=0.001),
    "MICROS": dt.timedelta(microseconds=1),
    "MILLIS": dt.timedelta(milliseconds=1),
    "SECONDS": dt.timedelta(seconds=1),
    "MINUTES": dt.timedelta(minutes=1),
    "HOURS": dt.timedelta(hours=1),
    "HALF_DAYS": dt.timedelta(hours=12),
}


def add(value: dt.datetime, amount: int, unit: str) -> dt.datetime:
    """``ZonedDateTime.plus(amount, ChronoUnit)``: date units keep the local time across DST."""
    if unit in _TIME_UNITS:
        utc = value.astimezone(dt.UTC) + _TIME_UNITS[unit] * amount
        return utc.astimezone(value.tzinfo)
    local = value.replace(tzinfo=None)
    if unit in _DATE_UNITS:
        local += dt.timedelta(days=_DATE_UNITS[unit] * amount)
    elif unit in _MONTH_UNITS:
        months = local.year * 12 + local.month - 1 + _MONTH_UNITS[unit] * amount
        year, month = divmod(months, 12)
        last_day = (
            dt.date(year + (month + 1) // 12, (month + 1) % 12 + 1, 1) - dt.timedelta(1)
        ).day
        local = local.replace(year=year, month=month + 1, day=min(local.day, last_day))
    else:
        raise ExpressionError(f"Unsupported unit '{unit}' for dateAdd")
    return local.replace(tzinfo=value.tzinfo)


def epoch_seconds(value: dt.datetime) -> int:
    """``toEpochSecond``: whole seconds, rounded down."""
    return int((value - dt.datetime(1970, 1, 1, tzinfo=dt.UTC)) // dt.timedelta(seconds=1))
