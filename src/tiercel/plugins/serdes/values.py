"""Ion values written as CSV cells and JSON, the way Kestra's converters print them."""

import base64
import json.encoder
import math
from collections.abc import Mapping
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from decimal import Decimal
from typing import Any

from tiercel.sdk import TaskFailure, ion
from tiercel.sdk.datetimes import format_pattern

_escape = json.encoder.encode_basestring
DEFAULT_DATETIME_FORMAT = "yyyy-MM-dd'T'HH:mm:ss.SSS[XXX]"
ZERO = timedelta(0)


def timestamp(text: str) -> datetime:
    """An Ion timestamp's text as an aware datetime (an unknown offset is UTC).

    Raises:
        TaskFailure: Not a timestamp.
    """
    body = text[:-6] + "Z" if text.endswith("-00:00") else text
    if body.endswith("T"):  # year or month precision: 2024T, 2024-05T
        parts = [int(p) for p in body[:-1].split("-")] + [1, 1]
        return datetime(parts[0], parts[1], parts[2], tzinfo=UTC)
    try:
        value = datetime.fromisoformat(body)
    except ValueError:
        raise TaskFailure(f"Invalid Ion timestamp '{text}'") from None
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def java_double(value: float) -> str:
    """A float as Java's ``Double.toString`` prints it (``1.0``, ``1.0E20``, ``NaN``)."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    magnitude = abs(value)
    if magnitude == 0 or 1e-3 <= magnitude < 1e7:
        text = repr(value)
        return text if "e" not in text else format(Decimal(text), "f")
    sign, digits, exponent = Decimal(repr(value)).as_tuple()
    assert isinstance(exponent, int)
    numbers = "".join(map(str, digits)).rstrip("0") or "0"
    power = exponent + len(digits) - 1
    mantissa = numbers[0] + "." + (numbers[1:] or "0")
    return ("-" if sign else "") + f"{mantissa}E{power}"


class CellFormat:
    """How ``IonToCsv`` prints dates and times: Kestra's ``dateFormat``, ``timeFormat`` and
    ``dateTimeFormat`` (Java patterns); timestamps are read as instants and shown in UTC."""

    def __init__(
        self,
        date_format: str,
        time_format: str,
        datetime_format: str,
        zone: tzinfo = UTC,
    ) -> None:
        self.date_format = date_format
        self.time_format = time_format
        self.datetime_format = datetime_format
        self.zone = zone
        """Where timestamps with an offset are shown (``timeZoneId``)."""

    def cell(self, value: Any) -> str | None:
        """One value as CSV text; None stays None (an empty cell)."""
        if value is None or type(value) is str:
            return value
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, int):
            return str(value)
        if isinstance(value, float):
            return java_double(value)
        if isinstance(value, ion.Timestamp):
            text = str.__str__(value)
            if len(text) == 10:  # a date: Kestra reads it as a LocalDate
                day = date.fromisoformat(text)
                return format_pattern(datetime(day.year, day.month, day.day, tzinfo=UTC),
                                      self.date_format)  # fmt: skip
            moment = timestamp(value)
            # A timestamp with an unknown offset (-00:00) is a local date-time: shown as is.
            moment = moment if text.endswith("-00:00") else moment.astimezone(self.zone)
            if self.datetime_format == DEFAULT_DATETIME_FORMAT and moment.utcoffset() == ZERO:
                # Kestra's default pattern, written without the pattern interpreter.
                return f"{moment:%Y-%m-%dT%H:%M:%S}.{moment.microsecond // 1000:03d}Z"
            return format_pattern(moment, self.datetime_format)
        if isinstance(value, str):
            return value
        if isinstance(value, Decimal):
            return str(value)
        if isinstance(value, datetime):
            moment = value if value.tzinfo else value.replace(tzinfo=UTC)
            return format_pattern(moment.astimezone(self.zone), self.datetime_format)
        if isinstance(value, date):
            return format_pattern(datetime(value.year, value.month, value.day, tzinfo=UTC),
                                  self.date_format)  # fmt: skip
        if isinstance(value, time):
            return value.isoformat()
        if isinstance(value, bytes):
            return base64.b64encode(value).decode("ascii")
        return to_json(value)


def to_json(value: Any) -> str:
    """An Ion value as JSON text: decimals keep their digits, timestamps and blobs become
    strings (ISO text, base64), NaN and infinities become strings as Jackson writes them."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, ion.Timestamp):
        return '"' + str.__str__(value) + '"'
    if isinstance(value, str):
        return _escape(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            return '"' + java_double(value) + '"'
        return repr(value)
    if isinstance(value, Decimal):
        return str(value) if value.is_finite() else '"' + str(value) + '"'
    if isinstance(value, Mapping):
        return "{" + ",".join(f"{_escape(str(k))}:{to_json(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ",".join(to_json(item) for item in value) + "]"
    if isinstance(value, bytes):
        return '"' + base64.b64encode(value).decode("ascii") + '"'
    if isinstance(value, datetime | date | time):
        return '"' + value.isoformat() + '"'
    return _escape(str(value))
