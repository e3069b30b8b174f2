"""The cron syntax the Schedule trigger accepts (Kestra's cron-utils definition), and the dates
an expression gives in a time zone."""

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from croniter import CroniterError, croniter  # type: ignore[import-untyped]

NICKNAMES = frozenset(
    {"@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"}
)

_MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
_DAYS = ("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT")

# name, lowest, highest, names mapped to numbers
_Field = tuple[str, int, int, dict[str, int]]
_SECONDS: _Field = ("seconds", 0, 59, {})
_FIELDS: tuple[_Field, ...] = (
    ("minutes", 0, 59, {}),
    ("hours", 0, 23, {}),
    ("day of month", 1, 31, {}),
    ("month", 1, 12, {name: index + 1 for index, name in enumerate(_MONTHS)}),
    ("day of week", 0, 7, {name: index for index, name in enumerate(_DAYS)}),
)
_NUMBER = re.compile(r"[0-9]+")


def cron_problem(cron: str, with_seconds: bool = False) -> str | None:
    """Return why ``cron`` is not a valid expression, or ``None`` when it is.

    Five fields (minutes to day of week), six with ``with_seconds`` (seconds first), or a
    nickname such as ``@daily``. Fields take numbers, month and day names, ``*``, lists,
    ranges and steps.
    """
    text = cron.strip()
    if text.startswith("@"):
        if text.lower() in NICKNAMES:
            return None
        return f"invalid cron expression '{cron}': unknown nickname '{text}'"
    fields = (_SECONDS, *_FIELDS) if with_seconds else _FIELDS
    parts = text.split()
    if len(parts) != len(fields):
        return (
            f"invalid cron expression '{cron}': expected {len(fields)} fields"
            f"{' (withSeconds is true)' if with_seconds else ''}, got {len(parts)}"
        )
    for part, field in zip(parts, fields, strict=True):
        problem = _field_problem(part, field)
        if problem:
            return f"invalid cron expression '{cron}': {problem}"
    return None


def _field_problem(text: str, field: _Field) -> str | None:
    name, _, _, _ = field
    for item in text.split(","):
        base, slash, step = item.partition("/")
        if slash and not (_NUMBER.fullmatch(step) and int(step) > 0):
            return f"invalid step '{step}' in {name} field '{text}'"
        if base == "*":
            continue
        bounds = base.split("-", 1) if "-" in base else [base]
        for bound in bounds:
            problem = _value_problem(bound, field, text)
            if problem:
                return problem
    return None


def _value_problem(value: str, field: _Field, text: str) -> str | None:
    name, lowest, highest, names = field
    if value.upper() in names:
        return None
    if not _NUMBER.fullmatch(value):
        return f"invalid value '{value}' in {name} field '{text}'"
    if not lowest <= int(value) <= highest:
        return f"{name} value {value} is out of range {lowest}-{highest}"
    return None


_NICKNAME_FIELDS = {
    "@yearly": "0 0 1 1 *",
    "@annually": "0 0 1 1 *",
    "@monthly": "0 0 1 * *",
    "@weekly": "0 0 * * 0",
    "@daily": "0 0 * * *",
    "@midnight": "0 0 * * *",
    "@hourly": "0 * * * *",
}
# Local times move by at most this much around a time-zone transition (one hour almost
# everywhere, two in a few historical zones), so the instants of wall times read this far
# around a moment include every instant near it.
_MARGIN = timedelta(hours=3)
# cron-utils fires a wall time repeated by a backward transition a second time only when the
# schedule fires again within this delay (an hourly or more frequent one).
_REPEAT_WITHIN = timedelta(hours=2)


class CronDates:
    """The dates of a valid cron expression in a time zone, with cron-utils' rules.

    The fields are matched against the wall time of the zone (by croniter), and each matching
    wall time becomes one instant: a wall time skipped by a forward transition fires later by
    the length of the gap, as ``java.time`` resolves it; a wall time repeated by a backward
    transition fires at its first occurrence, and again at the second only for schedules that
    fire at least every hour. Day of month and day of week, when both are restricted, match
    when either does (the UNIX rule, which cron-utils keeps for Kestra's definition).

    Args:
        cron: A valid expression (see ``cron_problem``) or a nickname.
        with_seconds: Whether the expression starts with a seconds field.
        zone: The zone the fields are read in.
    """

    def __init__(self, cron: str, with_seconds: bool, zone: tzinfo) -> None:
        text = cron.strip()
        fields = _NICKNAME_FIELDS.get(text.lower())
        if fields is not None:
            text = f"0 {fields}" if with_seconds else fields
        self._expression = text
        self._with_seconds = with_seconds
        self._zone = zone

    def next_after(self, after: datetime) -> datetime:
        """The first date strictly after ``after``, in the zone, to the second.

        Raises:
            ValueError: No date matches within croniter's search horizon (``0 0 30 2 *``).
        """
        # Instants are compared in UTC: Python compares two datetimes of the same zone by their
        # wall time, blind to which occurrence of a repeated hour each one is.
        limit = after.astimezone(UTC)
        margin = self._margin(after)
        start = self._wall(after) - margin
        best: datetime | None = None
        for wall in self._walls(start, backwards=False):
            if best is not None and wall > self._wall(best) + margin:
                break
            for moment in self._instants(wall):
                if moment > limit and (best is None or moment < best):
                    best = moment
        if best is None:
            raise ValueError(f"no date of '{self._expression}' comes after {after.isoformat()}")
        return best.astimezone(self._zone)

    def previous_before(self, before: datetime) -> datetime:
        """The last date strictly before ``before``, in the zone, to the second.

        Raises:
            ValueError: No date matches within croniter's search horizon.
        """
        limit = before.astimezone(UTC)
        margin = self._margin(before)
        start = self._wall(before) + margin
        if not margin and before.microsecond:
            # croniter looks strictly before its start: keep the date of this very second.
            start += timedelta(seconds=1)
        best: datetime | None = None
        for wall in self._walls(start, backwards=True):
            if best is not None and wall < self._wall(best) - margin:
                break
            for moment in self._instants(wall):
                if moment < limit and (best is None or moment > best):
                    best = moment
        if best is None:
            raise ValueError(f"no date of '{self._expression}' comes before {before.isoformat()}")
        return best.astimezone(self._zone)

    def _wall(self, moment: datetime) -> datetime:
        return moment.astimezone(self._zone).replace(tzinfo=None, microsecond=0)

    def _margin(self, moment: datetime) -> timedelta:
        # Near a transition wall times and instants are not in the same order: look at the
        # wall times around the moment too. Elsewhere the mapping is monotonic.
        early = (moment - _MARGIN).astimezone(self._zone).utcoffset()
        late = (moment + _MARGIN).astimezone(self._zone).utcoffset()
        return timedelta(0) if early == late else _MARGIN

    def _iterator(self, start: datetime) -> croniter:
        return croniter(
            self._expression,
            start,
            day_or=True,
            second_at_beginning=self._with_seconds,
        )

    def _walls(self, start: datetime, *, backwards: bool) -> Iterator[datetime]:
        iterator = self._iterator(start)
        try:
            while True:
                if backwards:
                    yield iterator.get_prev(datetime)
                else:
                    yield iterator.get_next(datetime)
        except CroniterError:
            return

    def _instants(self, wall: datetime) -> list[datetime]:
        """The instants (in UTC) a matching wall time fires at."""
        first = wall.replace(tzinfo=self._zone, fold=0)
        second = wall.replace(tzinfo=self._zone, fold=1)
        if first.utcoffset() == second.utcoffset():
            return [first.astimezone(UTC)]
        if _round_trips(first):
            # Repeated by a backward transition.
            if self._iterator(wall).get_next(datetime) - wall < _REPEAT_WITHIN:
                return [first.astimezone(UTC), second.astimezone(UTC)]
            return [first.astimezone(UTC)]
        # Skipped by a forward transition: fold 0 reads it with the offset from before the
        # transition, which lands it later by the length of the gap.
        return [first.astimezone(UTC)]


def _round_trips(moment: datetime) -> bool:
    back = moment.astimezone(UTC).astimezone(moment.tzinfo)
    return back.replace(tzinfo=None) == moment.replace(tzinfo=None)


_OFFSET_ID = re.compile(
    r"(?P<sign>[+-])(?P<hours>\d{1,2})(?::?(?P<minutes>\d{2}))?(?::?(?P<seconds>\d{2}))?"
)


def resolve_zone(zone_id: str | None) -> tzinfo:
    """The zone a time-zone id names, as Java's ``ZoneId.of`` reads it; UTC when None.

    Accepts tz database regions (``Europe/Paris``), ``Z``, offsets (``+02:00``) and ``UTC``,
    ``GMT`` or ``UT`` with an optional offset.

    Raises:
        ValueError: The id names no zone.
    """
    if zone_id is None or zone_id in ("Z", "UTC", "GMT", "UT"):
        return UTC
    for prefix in ("UTC", "GMT", "UT"):
        if zone_id.startswith(prefix) and zone_id[len(prefix) : len(prefix) + 1] in ("+", "-"):
            return _offset_zone(zone_id[len(prefix) :], zone_id)
    if zone_id[:1] in ("+", "-"):
        return _offset_zone(zone_id, zone_id)
    try:
        return ZoneInfo(zone_id)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"timezone '{zone_id}' is not a valid time-zone ID") from None


def _offset_zone(text: str, zone_id: str) -> tzinfo:
    match = _OFFSET_ID.fullmatch(text)
    if match is None or int(match["hours"]) > 18:
        raise ValueError(f"timezone '{zone_id}' is not a valid time-zone ID")
    span = timedelta(
        hours=int(match["hours"]),
        minutes=int(match["minutes"] or 0),
        seconds=int(match["seconds"] or 0),
    )
    return timezone(-span if match["sign"] == "-" else span)


def format_date(moment: datetime, zone: tzinfo) -> str:
    """A date as Kestra writes a schedule date: ISO-8601 with the offset of ``zone``
    (``2024-03-31T03:30:00+02:00``; ``Z`` for UTC), to the second."""
    local = moment.astimezone(zone)
    offset = local.utcoffset() or timedelta(0)
    text = local.replace(tzinfo=None, microsecond=0).isoformat()
    if not offset:
        return text + "Z"
    sign = "-" if offset < timedelta(0) else "+"
    seconds = int(abs(offset).total_seconds())
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    suffix = f"{sign}{hours:02d}:{minutes:02d}" + (f":{seconds:02d}" if seconds else "")
    return text + suffix
