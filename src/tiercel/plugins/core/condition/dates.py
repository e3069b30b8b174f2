"""Reading the dates that date conditions test (not a plugin).

Dates are read as Kestra's ``DateUtils`` reads them: ``ZonedDateTime.parse`` for a moment and
``LocalDate.parse`` (else the date of the moment, in its own zone) for a day. Java prints a
zoned date-time with its region in brackets (``2024-02-21T16:19+01:00[Europe/Paris]``), which
is what ``{{ trigger.date }}`` renders to, so the bracket is understood too.
"""

import re
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

_BRACKET_ZONE = re.compile(r"^(?P<text>.*)\[(?P<zone>[^\]]+)\]$")
# Python keeps microseconds; Java may print nanoseconds.
_LONG_FRACTION = re.compile(r"(\.\d{6})\d+")


def _region(name: str) -> tzinfo:
    if name in ("Z", "UTC", "GMT", "UT"):
        return UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"Unknown time-zone ID: {name}") from None


def parse_moment(value: Any) -> datetime:
    """Read a rendered date as an aware datetime, as ``ZonedDateTime.parse`` does.

    Raises:
        ValueError: The text is not an ISO-8601 date-time with an offset or a zone.
    """
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError(f"Text '{value.isoformat()}' has no time-zone offset")
        return value
    text = str(value).strip()
    zone_name = None
    bracket = _BRACKET_ZONE.match(text)
    if bracket is not None:
        text, zone_name = bracket["text"], bracket["zone"]
    try:
        moment = datetime.fromisoformat(_LONG_FRACTION.sub(r"\1", text))
    except ValueError:
        raise ValueError(f"Text '{value}' could not be parsed as a date-time") from None
    if "T" not in text.upper():
        raise ValueError(f"Text '{value}' could not be parsed as a date-time")
    if zone_name is not None:
        region = _region(zone_name)
        moment = moment.astimezone(region) if moment.tzinfo else moment.replace(tzinfo=region)
    if moment.tzinfo is None:
        raise ValueError(f"Text '{value}' has no time-zone offset")
    return moment


def parse_day(value: Any) -> date:
    """Read a rendered date as a calendar day: an ISO date, else the day of an ISO moment in
    its own zone (``LocalDate.parse``, then ``ZonedDateTime.parse(...).toLocalDate()``)."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    try:
        return date.fromisoformat(text) if len(text) == 10 else parse_moment(text).date()
    except ValueError:
        raise ValueError(f"Text '{value}' could not be parsed as a date") from None


def parse_offset_time(value: Any) -> time:
    """Read a rendered ``OffsetTime`` such as ``16:00:00+02:00``; one without an offset keeps
    none (the caller decides which offset it has)."""
    if isinstance(value, time):
        return value
    text = _LONG_FRACTION.sub(r"\1", str(value).strip())
    try:
        return time.fromisoformat(text)
    except ValueError:
        raise ValueError(f"Text '{value}' could not be parsed as a time") from None


def seconds_on_timeline(moment: time, offset: timedelta) -> float:
    """Where a time with ``offset`` lies on one UTC day, as Java's ``OffsetTime`` compares:
    the time of day minus its offset (so it may fall below zero or past a day)."""
    of_day = moment.hour * 3600 + moment.minute * 60 + moment.second + moment.microsecond / 1e6
    return of_day - offset.total_seconds()


def offset_of(moment: time, default: timedelta) -> timedelta:
    """The offset of a time, or ``default`` when it was written without one."""
    offset = moment.utcoffset()
    return default if offset is None else offset
