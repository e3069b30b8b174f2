"""Execution statistics over time: how a range is cut into buckets, and what one bucket holds.

The buckets are computed the same way by the SQL that counts the executions (a bucket key per
row) and by ``bucket_starts`` (the key of every bucket of the range, empty ones included), so
that a chart gets one entry per bucket whatever was counted. Times are UTC.
"""

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from tiercel.storage.errors import StorageError


class GroupBy(StrEnum):
    """The width of a bucket, Kestra's ``DateUtils.GroupType``."""

    MINUTE = "MINUTE"
    HOUR = "HOUR"
    DAY = "DAY"
    WEEK = "WEEK"
    MONTH = "MONTH"


MAX_BUCKETS = 5_000
"""The most buckets one request may ask for (a year by hour is 8,760: ask by day)."""

FIXED_WIDTH_MICROS: dict[GroupBy, int] = {
    GroupBy.MINUTE: 60 * 1_000_000,
    GroupBy.HOUR: 3_600 * 1_000_000,
    GroupBy.DAY: 86_400 * 1_000_000,
    GroupBy.WEEK: 7 * 86_400 * 1_000_000,
}
"""Buckets of a fixed width, in microseconds."""

WEEK_ORIGIN_MICROS = -3 * 86_400 * 1_000_000
"""Weeks start on Monday, as ISO weeks (and Kestra's) do: 1969-12-29 was the Monday before
the epoch, a Thursday."""

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class InvalidStatisticsError(StorageError, ValueError):
    """A statistics request that cannot be answered: an empty or reversed range, or one that
    would need more than ``MAX_BUCKETS`` buckets."""


@dataclass(frozen=True, slots=True)
class StatisticsBucket:
    """The executions created in one bucket of time.

    Attributes:
        start: The bucket's first instant (UTC).
        counts: How many executions are in each state now, by state name; only states seen.
        count: How many executions in all.
        duration_sum: Their durations added up, in seconds (creation to last change).
        duration_min: The shortest, in seconds; 0 when the bucket is empty.
        duration_max: The longest, in seconds; 0 when the bucket is empty.
    """

    start: datetime
    counts: dict[str, int] = field(default_factory=dict)
    count: int = 0
    duration_sum: float = 0.0
    duration_min: float = 0.0
    duration_max: float = 0.0


def default_group(start: datetime, end: datetime) -> GroupBy:
    """The bucket width Kestra picks for a range (``DateUtils.groupByType``): by minute up to
    6 hours, by hour up to a day, by day up to 180 days, by week up to a year, then by month."""
    span = end - start
    if span.days > 365:
        return GroupBy.MONTH
    if span.days > 180:
        return GroupBy.WEEK
    if span.days > 1:
        return GroupBy.DAY
    if span // timedelta(hours=1) > 6:
        return GroupBy.HOUR
    return GroupBy.MINUTE


def micros(moment: datetime) -> int:
    """An aware datetime as microseconds since the epoch."""
    return (moment - _EPOCH) // timedelta(microseconds=1)


def bucket_key(moment_micros: int, group: GroupBy) -> int:
    """The key of the bucket holding an instant, as the SQL computes it."""
    if group is GroupBy.MONTH:
        moment = _EPOCH + timedelta(microseconds=moment_micros)
        return moment.year * 12 + moment.month - 1
    origin = WEEK_ORIGIN_MICROS if group is GroupBy.WEEK else 0
    return (moment_micros - origin) // FIXED_WIDTH_MICROS[group]


def key_start(key: int, group: GroupBy) -> datetime:
    """The first instant of the bucket with this key."""
    if group is GroupBy.MONTH:
        return datetime(key // 12, key % 12 + 1, 1, tzinfo=UTC)
    origin = WEEK_ORIGIN_MICROS if group is GroupBy.WEEK else 0
    return _EPOCH + timedelta(microseconds=key * FIXED_WIDTH_MICROS[group] + origin)


def bucket_keys(start: datetime, end: datetime, group: GroupBy) -> range:
    """The keys of every bucket that ``[start, end)`` touches, in order.

    Raises:
        InvalidStatisticsError: ``end`` is not after ``start``, ``start`` is before 1970 (no
            execution is), or the range needs more than ``MAX_BUCKETS`` buckets.
    """
    if start < _EPOCH:
        raise InvalidStatisticsError(
            f"the start date ({start.isoformat()}) is before 1970-01-01T00:00:00Z"
        )
    if end <= start:
        raise InvalidStatisticsError(
            f"the end date ({end.isoformat()}) must be after the start date ({start.isoformat()})"
        )
    first = bucket_key(micros(start), group)
    last = bucket_key(micros(end) - 1, group)
    if last - first + 1 > MAX_BUCKETS:
        raise InvalidStatisticsError(
            f"{start.isoformat()} to {end.isoformat()} by {group.value.lower()} is "
            f"{last - first + 1:,} buckets, over the limit of {MAX_BUCKETS:,}: "
            "shorten the range or group by a longer period"
        )
    return range(first, last + 1)
