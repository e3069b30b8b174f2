"""Kestra's mapping of SQL values, in task outputs and in the Ion files ``STORE`` writes.

A timestamp with a time zone is shown in ``timeZoneId`` (the worker's zone by default); one
without stays a local date-time; dates and times stay what they are; decimals keep their
digits in Ion files and are numbers in outputs; JSON becomes maps and lists; arrays become
lists; bytes are Ion blobs in files and base64 text in outputs; intervals are ISO-8601
durations; UUIDs and other values are their text.
"""

import base64
import json
import uuid
from collections.abc import Callable, Sequence
from datetime import date, datetime, time, timedelta, tzinfo
from decimal import Decimal
from itertools import chain, repeat
from operator import methodcaller
from typing import Any

from tiercel.sdk import ion

Adapter = Callable[[Any], Any]
"""Turns one driver value of a column into the value Kestra shows (a dialect's own rule)."""


def duration(value: timedelta) -> str:
    """An interval as ISO-8601 (``P1DT2H3M4S``), as Kestra writes durations."""
    total = value.total_seconds()
    sign = "-" if total < 0 else ""
    seconds = abs(value)
    days = seconds.days
    rest = seconds.seconds
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    micros = seconds.microseconds
    text = f"{sign}P{days}D" if days else f"{sign}P"
    clock = ""
    if hours:
        clock += f"{hours}H"
    if minutes:
        clock += f"{minutes}M"
    if secs or micros or not (days or hours or minutes):
        clock += f"{secs}.{micros:06d}".rstrip("0").rstrip(".") + "S"
    return text + ("T" + clock if clock else "")


class Mapper:
    """Converts driver values for one result: the time zone and the columns' adapters."""

    def __init__(self, zone: tzinfo | None, adapters: Sequence[Adapter | None] = ()) -> None:
        self.zone = zone
        self.adapters = list(adapters)

    def value(self, value: Any) -> Any:
        """A driver value as Kestra's value (Python types the Ion codec writes)."""
        if value is None or isinstance(value, bool | int | float | str | Decimal):
            return value
        if isinstance(value, datetime):
            return value.astimezone(self.zone) if value.tzinfo is not None else value
        if isinstance(value, date | time):
            return value
        if isinstance(value, timedelta):
            return duration(value)
        if isinstance(value, bytes | bytearray | memoryview):
            return bytes(value)
        if isinstance(value, list | tuple):
            return [self.value(item) for item in value]
        if isinstance(value, dict):
            return {str(key): self.value(item) for key, item in value.items()}
        if isinstance(value, uuid.UUID):
            return str(value)
        return str(value)

    def row(self, names: Sequence[str], row: Sequence[Any]) -> dict[str, Any]:
        """One row as a map of column name to Kestra value, in column order."""
        adapters = self.adapters
        result: dict[str, Any] = {}
        for index, (name, value) in enumerate(zip(names, row, strict=False)):
            adapter = adapters[index] if index < len(adapters) else None
            if adapter is not None and value is not None:
                value = adapter(value)
            result[name] = self.value(value)
        return result


def output(value: Any) -> Any:
    """A Kestra value as it is shown in task outputs (JSON): decimals as numbers, bytes as
    base64, dates and times as ISO text."""
    if isinstance(value, Decimal):
        return (
            int(value)
            if value == value.to_integral_value() and value.as_tuple()[2] == 0
            else float(value)
        )
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, list):
        return [output(item) for item in value]
    if isinstance(value, dict):
        return {key: output(item) for key, item in value.items()}
    return value


def output_row(row: dict[str, Any]) -> dict[str, Any]:
    """A row of Kestra values as shown in outputs."""
    return {key: output(value) for key, value in row.items()}


def _ion_datetime(zone: tzinfo | None) -> Callable[[datetime], str]:
    def encode(value: datetime) -> str:
        if value.tzinfo is not None:
            value = value.astimezone(zone)
        return ion.dumps(value)

    return encode


class IonRows:
    """Writes rows as Ion structs, one per line, as fast as Python allows: the field names
    are encoded once, and each value by a function picked from its exact type."""

    def __init__(self, names: Sequence[str], mapper: Mapper) -> None:
        self.prefixes = [
            ("{" if index == 0 else ",") + ion.field_name(name) + ":"
            for index, name in enumerate(names)
        ]
        self.mapper = mapper
        self.has_adapters = any(adapter is not None for adapter in mapper.adapters)
        dumps = ion.dumps
        self.encoders: dict[type, Callable[[Any], str]] = {
            type(None): lambda _: "null",
            bool: lambda value: "true" if value else "false",
            int: int.__repr__,
            str: json.encoder.encode_basestring,
            float: dumps,
            Decimal: dumps,
            datetime: _ion_datetime(mapper.zone),
            date: date.isoformat,
        }

    def line(self, row: Sequence[Any]) -> str:
        """One row as an Ion struct and a line break."""
        if not self.prefixes:
            return "{}\n"
        if self.has_adapters:
            row = [
                adapter(value) if adapter is not None and value is not None else value
                for adapter, value in zip(self.mapper.adapters, row, strict=False)
            ] + list(row[len(self.mapper.adapters) :])
        encoders = self.encoders
        slow = self._slow
        parts = [
            prefix + (encoders.get(type(value)) or slow)(value)
            for prefix, value in zip(self.prefixes, row, strict=False)
        ]
        parts.append("}\n")
        return "".join(parts)

    def lines(self, batch: Sequence[Sequence[Any]]) -> str:
        """Rows as Ion structs, one per line: ``line`` for each row, the same text, but
        encoded a column at a time, so that most values cost no Python step of their own
        (``map`` over a C function: ``int.__repr__``, the json string encoder...)."""
        if not self.prefixes or not batch:
            return "{}\n" * len(batch)
        if self.has_adapters:
            adapters = self.mapper.adapters
            batch = [
                [
                    adapter(value) if adapter is not None and value is not None else value
                    for adapter, value in zip(adapters, row, strict=False)
                ]
                + list(row[len(adapters) :])
                for row in batch
            ]
        width = len(self.prefixes)
        if any(len(row) != width for row in batch):
            return "".join([self.line(row) for row in batch])
        pieces: list[Any] = []
        for prefix, column in zip(self.prefixes, zip(*batch, strict=True), strict=True):
            pieces.append(repeat(prefix))
            pieces.append(self._column(column))
        pieces.append(repeat("}\n"))
        return "".join(chain.from_iterable(zip(*pieces, strict=False)))  # repeat() is endless

    def _column(self, column: tuple[Any, ...]) -> list[str]:
        """One column's values as Ion text."""
        kinds = set(map(type, column))
        nulls = type(None) in kinds
        kinds.discard(type(None))
        if len(kinds) != 1:
            slow = self._slow
            encoders = self.encoders
            return [(encoders.get(type(value)) or slow)(value) for value in column]
        (kind,) = kinds
        present = [value for value in column if value is not None] if nulls else column
        texts = self._texts(kind, present)
        if not nulls:
            return texts
        found = iter(texts)
        return ["null" if value is None else next(found) for value in column]

    def _texts(self, kind: type, values: Sequence[Any]) -> list[str]:
        """Values of one exact type (no None) as Ion text."""
        if kind is datetime:
            return _datetimes(values, self.mapper.zone)
        if kind is Decimal:
            texts = list(map(str, values))
            if any("E" in text or "n" in text or "N" in text for text in texts):  # NaN, Infinity
                return list(map(ion.dumps, values))
            return [text if "." in text else text + "." for text in texts]
        if kind is float:
            texts = list(map(float.__repr__, values))
            if any(text[-1] in "nf" for text in texts):  # nan, inf
                return list(map(ion.dumps, values))
            return [text if "e" in text else text + "e0" for text in texts]
        encoder = self.encoders.get(kind)
        if encoder is None:
            return list(map(self._slow, values))
        return list(map(encoder, values))

    def _slow(self, value: Any) -> str:
        return ion.dumps(self.mapper.value(value))


_SPLIT = "\x00"  # never in a timestamp's text


def _datetimes(values: Sequence[datetime], zone: tzinfo | None) -> list[str]:
    """Datetimes as Ion timestamps (``ion.dumps``), with whole-column string operations:
    aware ones in ``zone`` (UTC written ``Z``), naive ones with Ion's unknown offset."""
    aware = [value.tzinfo is not None for value in values]
    if all(aware):
        moved = map(methodcaller("astimezone", zone), values)
        text = _SPLIT.join(map(datetime.isoformat, moved)) + _SPLIT
        return text.replace("+00:00" + _SPLIT, "Z" + _SPLIT).split(_SPLIT)[:-1]
    if not any(aware):
        suffix = "-00:00"
        return (
            (_SPLIT.join(map(datetime.isoformat, values)) + suffix)
            .replace(_SPLIT, suffix + _SPLIT)
            .split(_SPLIT)
        )
    return [ion.dumps(value.astimezone(zone) if value.tzinfo else value) for value in values]
