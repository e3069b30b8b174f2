"""Java ``DateTimeFormatter`` patterns (``yyyy-MM-dd'T'HH:mm:ss.SSSXXX``): format and parse.

Only English names are known (month and day names, AM/PM, eras), which is what Kestra's
default ``Locale.ENGLISH``-like setups print.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable
from typing import NamedTuple

from tiercel.expr.errors import ExpressionError
from tiercel.expr.jsonfmt import offset_str, zone_name

MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
_QUARTERS = ["1st quarter", "2nd quarter", "3rd quarter", "4th quarter"]
_FIELD_LETTERS = set("GuyYQqMLwWdDFEecaKkHhmsSAnNVvzOXxZ")


class Part(NamedTuple):
    """A pattern letter run (``letter`` set, ``count`` its length) or literal ``text``."""

    letter: str
    width: int
    text: str = ""
    optional: int = 0  # +1 opens an optional section, -1 closes one


@functools.lru_cache(maxsize=256)
def compile_pattern(pattern: str) -> tuple[Part, ...]:
    """Split a pattern into letter runs and literals, as ``DateTimeFormatterBuilder`` does."""
    parts: list[Part] = []
    i = 0
    while i < len(pattern):
        char = pattern[i]
        if char == "'":
            if pattern.startswith("''", i):
                parts.append(Part("", 0, "'"))
                i += 2
                continue
            j = i + 1
            text: list[str] = []
            while True:
                if j >= len(pattern):
                    raise ExpressionError(f"Pattern ends with an incomplete literal: {pattern}")
                if pattern[j] == "'":
                    if pattern.startswith("''", j):
                        text.append("'")
                        j += 2
                        continue
                    break
                text.append(pattern[j])
                j += 1
            parts.append(Part("", 0, "".join(text)))
            i = j + 1
        elif char.isascii() and char.isalpha():
            if char not in _FIELD_LETTERS:
                raise ExpressionError(f"Unknown pattern letter: {char}")
            j = i
            while j < len(pattern) and pattern[j] == char:
                j += 1
            parts.append(Part(char, j - i))
            i = j
        elif char in "[]":
            parts.append(Part("", 0, "", 1 if char == "[" else -1))
            i += 1
        elif char in "#{}":
            raise ExpressionError(f"Pattern includes reserved character: '{char}'")
        else:
            parts.append(Part("", 0, char))
            i += 1
    return tuple(parts)


# --- formatting ------------------------------------------------------------------------------


def _pad(value: int, count: int) -> str:
    return str(value) if count == 1 else f"{value:0{count}d}"


def _us_week(date: dt.date) -> tuple[int, int]:
    """Week-based year and week number with Sunday-first weeks and week 1 holding 1 January."""

    def week_one_start(year: int) -> dt.date:
        jan1 = dt.date(year, 1, 1)
        return jan1 - dt.timedelta(days=(jan1.weekday() + 1) % 7)

    year = date.year
    if date >= week_one_start(year + 1):
        year += 1
    return year, (date - week_one_start(year)).days // 7 + 1


def _offset(value: dt.datetime, count: int, letter: str) -> str:
    seconds = int(value.utcoffset().total_seconds())  # type: ignore[union-attr]
    if seconds == 0 and letter == "X":
        return "Z"
    sign = "-" if seconds < 0 else "+"
    hours, rest = divmod(abs(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    if letter == "O":
        if seconds == 0:
            return "GMT"
        if count == 1:
            return f"GMT{sign}{hours}" + (f":{minutes:02d}" if minutes else "")
        return f"GMT{sign}{hours:02d}:{minutes:02d}"
    if letter == "Z":
        if count == 4:
            return "GMT" if seconds == 0 else f"GMT{sign}{hours:02d}:{minutes:02d}"
        if count == 5:
            return "Z" if seconds == 0 else f"{sign}{hours:02d}:{minutes:02d}"
        return f"{sign}{hours:02d}{minutes:02d}"
    if count == 1:
        return f"{sign}{hours:02d}" + (f"{minutes:02d}" if minutes else "")
    colon = ":" if count in (3, 5) else ""
    text = f"{sign}{hours:02d}{colon}{minutes:02d}"
    return text + (f"{colon}{secs:02d}" if count >= 4 and secs else "")


def _field(value: dt.datetime, letter: str, count: int) -> str:
    if letter in "uyY":
        year = _us_week(value.date())[0] if letter == "Y" else value.year
        if count == 2:
            return f"{year % 100:02d}"
        return _pad(year, count) if count > 1 else str(year)
    if letter in "ML":
        if count >= 3:
            name = MONTHS[value.month - 1]
            return name[:3] if count == 3 else name if count == 4 else name[0]
        return _pad(value.month, count)
    if letter == "d":
        return _pad(value.day, count)
    if letter == "D":
        return _pad(value.timetuple().tm_yday, count)
    if letter == "E" or (letter in "ec" and count >= 3):
        name = DAYS[value.weekday()]
        return name[:3] if count <= 3 else name if count == 4 else name[0]
    if letter in "ec":
        return _pad((value.weekday() + 1) % 7 + 1, count)
    if letter in "Qq":
        quarter = (value.month - 1) // 3 + 1
        if count >= 3:
            return f"Q{quarter}" if count == 3 else _QUARTERS[quarter - 1]
        return _pad(quarter, count)
    if letter == "w":
        return _pad(_us_week(value.date())[1], count)
    if letter == "W":
        first = value.replace(day=1).date()
        return str((value.day + (first.weekday() + 1) % 7 - 1) // 7 + 1)
    if letter == "F":
        return _pad((value.day - 1) // 7 + 1, count)
    if letter == "G":
        return "AD" if count <= 3 else "Anno Domini" if count == 4 else "A"
    if letter == "a":
        return "AM" if value.hour < 12 else "PM"
    if letter == "H":
        return _pad(value.hour, count)
    if letter == "k":
        return _pad(value.hour or 24, count)
    if letter == "K":
        return _pad(value.hour % 12, count)
    if letter == "h":
        return _pad(value.hour % 12 or 12, count)
    if letter == "m":
        return _pad(value.minute, count)
    if letter == "s":
        return _pad(value.second, count)
    if letter == "S":
        return f"{value.microsecond * 1000:09d}"[:count].ljust(count, "0")
    if letter == "n":
        return _pad(value.microsecond * 1000, count)
    midnight = value.replace(hour=0, minute=0, second=0, microsecond=0)
    if letter == "A":
        return _pad((value - midnight) // dt.timedelta(milliseconds=1), count)
    if letter == "N":
        return _pad((value - midnight) // dt.timedelta(microseconds=1) * 1000, count)
    if letter in "Vv":
        return zone_name(value) or offset_str(value.utcoffset())
    if letter == "z":
        return value.tzname() or offset_str(value.utcoffset())
    return _offset(value, count, letter)


def format_pattern(value: dt.datetime, pattern: str) -> str:
    """Format an aware datetime with a Java pattern."""
    out: list[str] = []
    for part in compile_pattern(pattern):
        if part.letter:
            out.append(_field(value, part.letter, part.width))
        else:
            out.append(part.text)
    return "".join(out)


# --- parsing ---------------------------------------------------------------------------------

_NAME_ALTERNATIVES = {
    "month3": "|".join(m[:3] for m in MONTHS),
    "month4": "|".join(MONTHS),
    "day3": "|".join(d[:3] for d in DAYS),
    "day4": "|".join(DAYS),
}
_OFFSET_RE = r"Z|[+-]\d{2}(?::?\d{2}(?::?\d{2})?)?|GMT(?:[+-]\d{1,2}(?::?\d{2})?)?|UTC"


def _part_regex(part: Part, index: int) -> str:
    letter, count = part.letter, part.width
    group = f"(?P<{letter}{index}>"
    if letter in "ML" and count >= 3:
        return group + (_NAME_ALTERNATIVES["month3" if count == 3 else "month4"]) + ")"
    if letter in "Eec" and (letter == "E" or count >= 3):
        return group + (_NAME_ALTERNATIVES["day3" if count <= 3 else "day4"]) + ")"
    if letter == "a":
        return group + "AM|PM|am|pm)"
    if letter == "G":
        return group + "AD|BC|Anno Domini)"
    if letter in "XxZO":
        return group + _OFFSET_RE + ")"
    if letter in "Vvz":
        return group + r"[A-Za-z][A-Za-z0-9_/+\-]*)"
    if letter == "S":
        return group + rf"\d{{{count}}})"
    if letter in "uyY" and count != 2:
        return group + (r"[+-]?\d{4,9}" if count >= 4 else r"[+-]?\d{1,9}") + ")"
    width = r"\d+" if count == 1 else rf"\d{{{count}}}"
    return group + width + ")"


@functools.lru_cache(maxsize=256)
def _parse_regex(pattern: str) -> re.Pattern[str]:
    chunks: list[str] = []
    for index, part in enumerate(compile_pattern(pattern)):
        if part.optional:
            chunks.append("(?:" if part.optional > 0 else ")?")
        elif part.letter:
            chunks.append(_part_regex(part, index))
        else:
            chunks.append(re.escape(part.text))
    return re.compile("".join(chunks), re.IGNORECASE)


class Parsed(NamedTuple):
    """What a pattern found in a string: a date, maybe a time, maybe a zone."""

    value: dt.datetime  # naive unless ``zone`` is set
    has_time: bool
    zone: dt.tzinfo | None


def parse_pattern(text: str, pattern: str, zone_of: Callable[[str], dt.tzinfo]) -> Parsed:
    """Parse ``text`` with a Java pattern; raise ExpressionError when it does not match."""
    match = _parse_regex(pattern).fullmatch(text.strip())
    if match is None:
        raise ExpressionError(f"Text '{text}' could not be parsed with pattern '{pattern}'")
    fields: dict[str, str] = {}
    for key, found in match.groupdict().items():
        if found is not None:
            fields[key[0]] = found
    year = int(fields.get("y", fields.get("u", fields.get("Y", "1970"))))
    if len(fields.get("y", fields.get("u", "0000"))) == 2:
        year += 2000
    month = fields.get("M") or fields.get("L") or "1"
    month_number = int(month) if month.isdigit() else _month_number(month)
    day = int(fields.get("d", "1"))
    hour = int(fields.get("H", fields.get("k", "0"))) % 24
    if "h" in fields or "K" in fields:
        hour = int(fields.get("h", fields.get("K", "0"))) % 12
        if fields.get("a", "AM").upper() == "PM":
            hour += 12
    has_time = any(k in fields for k in "HkhKms")
    fraction = fields.get("S", "0")
    micro = int((fraction + "000000")[:6])
    try:
        value = dt.datetime(
            year,
            month_number,
            day,
            hour,
            int(fields.get("m", "0")),
            int(fields.get("s", "0")),
            micro,
        )
        if "D" in fields and "d" not in fields:
            value = value.replace(month=1, day=1) + dt.timedelta(days=int(fields["D"]) - 1)
    except ValueError as exc:
        raise ExpressionError(f"Text '{text}' could not be parsed: {exc}") from exc
    zone_text = next((fields[k] for k in "XxZOVvz" if k in fields), None)
    return Parsed(value, has_time, zone_of(zone_text) if zone_text else None)


def _month_number(name: str) -> int:
    lowered = name.lower()
    for index, month in enumerate(MONTHS):
        if month.lower().startswith(lowered[:3]):
            return index + 1
    raise ExpressionError(f"Unknown month name: {name}")
