"""Migration 8: ``log_counts``, how many log lines each second, minute, hour and day holds,
filled from the stored lines (see ``tiercel.storage.sql.log_counts``, which keeps it exact
from then on).

Filling reads the lines once, counting them by second; the coarser levels are added up from
the seconds' counts. Buckets are the timestamp (microseconds) floor-divided by the span,
written so that SQL rounds a negative timestamp down as Python does.
"""

from sqlalchemy import BigInteger, Column, Connection, Integer, MetaData, Table, text

_SECOND = 1_000_000
_SPANS = (86_400 * _SECOND, 3_600 * _SECOND, 60 * _SECOND)
"""The coarser levels, in microseconds, filled from the seconds."""


def upgrade(conn: Connection) -> None:
    """Create the summary table and count the lines already stored."""
    metadata = MetaData()
    Table(
        "log_counts",
        metadata,
        Column("span", BigInteger, primary_key=True, autoincrement=False),
        Column("bucket", BigInteger, primary_key=True, autoincrement=False),
        Column("shard", Integer, primary_key=True, autoincrement=False),
        Column("lines", BigInteger, nullable=False),
    )
    metadata.create_all(conn)
    fill(conn)


def fill(conn: Connection) -> None:
    """Count the lines of ``log_entries`` into an empty ``log_counts`` (also used by the search
    benchmark after its bulk load)."""
    conn.execute(
        text(
            f"INSERT INTO log_counts (span, bucket, shard, lines) "
            f"SELECT {_SECOND}, b, 0, count(*) FROM "
            f"(SELECT {_floor('timestamp', _SECOND)} AS b FROM log_entries) AS s GROUP BY b"
        )
    )
    for span in _SPANS:
        conn.execute(
            text(
                f"INSERT INTO log_counts (span, bucket, shard, lines) "
                f"SELECT {span}, b, 0, sum(n) FROM "
                f"(SELECT {_floor('bucket', span // _SECOND)} AS b, lines AS n FROM log_counts "
                f"WHERE span = {_SECOND}) AS s GROUP BY b"
            )
        )


def _floor(column: str, divisor: int) -> str:
    # SQL's integer division truncates towards zero; this rounds down.
    return f"(({column}) - ((({column}) % {divisor}) + {divisor}) % {divisor}) / {divisor}"
