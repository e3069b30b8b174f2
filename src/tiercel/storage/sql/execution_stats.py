"""Aggregates over executions for the dashboard, and the ids a bulk action works on, in SQL.

Statistics are one grouped query over the creation-date index: a row per (bucket, state), so
what comes back to Python is bounded by the number of buckets times the number of states,
whatever the number of executions.
"""

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, ColumnElement, Integer, cast, func, literal, select, type_coerce

from tiercel.storage.paging import ExecutionFilter
from tiercel.storage.sql.database import Database
from tiercel.storage.sql.execution_search import execution_conditions, label_frequencies
from tiercel.storage.sql.schema import executions
from tiercel.storage.stats import (
    FIXED_WIDTH_MICROS,
    WEEK_ORIGIN_MICROS,
    GroupBy,
    StatisticsBucket,
    bucket_keys,
    key_start,
)

_MICROS = type_coerce(executions.c.created_at, BigInteger)
_DURATION = type_coerce(executions.c.updated_at, BigInteger) - _MICROS


def _bucket(dialect: str, group: GroupBy) -> ColumnElement[Any]:
    """The bucket key of each row's creation time; see ``tiercel.storage.stats.bucket_key``."""
    if group is GroupBy.MONTH:
        seconds = _MICROS / 1e6
        if dialect == "postgresql":
            moment = func.timezone("UTC", func.to_timestamp(seconds))
            year = cast(func.date_part("year", moment), Integer)
            month = cast(func.date_part("month", moment), Integer)
        else:
            year = cast(func.strftime("%Y", seconds, "unixepoch"), Integer)
            month = cast(func.strftime("%m", seconds, "unixepoch"), Integer)
        return year * 12 + month - 1
    origin = WEEK_ORIGIN_MICROS if group is GroupBy.WEEK else 0
    # Creation times are after the epoch, so integer division is floor division here.
    shifted = _MICROS - literal(origin, BigInteger)
    return shifted // literal(FIXED_WIDTH_MICROS[group], BigInteger)


def daily_statistics(
    db: Database, where: ExecutionFilter, start: datetime, end: datetime, group: GroupBy
) -> list[StatisticsBucket]:
    """Executions created in ``[start, end)`` matching ``where``, counted per bucket and
    state; every bucket of the range is in the answer, empty ones included.

    ``where``'s own ``start`` and ``end`` are replaced by the range.

    Raises:
        InvalidStatisticsError: A reversed range or one with too many buckets.
    """
    keys = bucket_keys(start, end, group)
    bucket = _bucket(db.dialect, group).label("bucket")
    ranged = replace(where, start=start, end=end)
    with db.read() as conn:
        common = label_frequencies(conn, ranged.labels)
        query = (
            select(
                bucket,
                executions.c.state,
                func.count(),
                func.sum(_DURATION),
                func.min(_DURATION),
                func.max(_DURATION),
            )
            .where(*execution_conditions(db.dialect, ranged, common))
            .group_by(bucket, executions.c.state)
        )
        rows = conn.execute(query).all()
    return _buckets(keys, group, rows)


def _buckets(keys: range, group: GroupBy, rows: Sequence[Any]) -> list[StatisticsBucket]:
    found: dict[int, list[Any]] = {}
    for key, state, count, total, shortest, longest in rows:
        found.setdefault(int(key), []).append((str(state), int(count), total, shortest, longest))
    answer = []
    for key in keys:
        parts = found.get(key, [])
        count = sum(part[1] for part in parts)
        answer.append(
            StatisticsBucket(
                start=key_start(key, group),
                counts={state: n for state, n, *_ in parts},
                count=count,
                duration_sum=sum(int(part[2] or 0) for part in parts) / 1e6,
                duration_min=min((int(part[3] or 0) for part in parts), default=0) / 1e6,
                duration_max=max((int(part[4] or 0) for part in parts), default=0) / 1e6,
            )
        )
    return answer


def matching_ids(db: Database, where: ExecutionFilter, limit: int) -> list[str]:
    """The ids of at most ``limit`` executions matching ``where``, oldest first (the id
    breaks ties, the same on every database)."""
    with db.read() as conn:
        common = label_frequencies(conn, where.labels)
        query = (
            select(executions.c.id)
            .where(*execution_conditions(db.dialect, where, common))
            .order_by(executions.c.created_at, executions.c.id)
            .limit(limit)
        )
        return list(conn.execute(query).scalars())
