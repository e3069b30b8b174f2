"""The log line summary (``log_counts``) on each SQL backend: a page anywhere in the list of
every line, found through it, is the page the time index gives walked from the start (ties,
lines written out of time order, bursts, dates before 1970, both sorts), its total is exact,
and deletes, migration 8 and concurrent writers keep the counts equal to the lines."""

import random
import threading
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import BigInteger, func, insert, select, text
from sqlalchemy.sql.expression import type_coerce

from tiercel.model.task import LogLevel
from tiercel.storage import Database, LogEntry, LogQuery, Sort, SqlLogStore
from tiercel.storage.sql import MIGRATIONS
from tiercel.storage.sql.log_counts import SECOND, SPANS, Position, locate
from tiercel.storage.sql.schema import log_counts, log_entries

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def line(n: int, at: datetime, execution_id: str = "e1") -> LogEntry:
    return LogEntry(
        namespace="company.team",
        flow_id="etl",
        timestamp=at,
        level=LogLevel.INFO,
        message=f"line {n}",
        execution_id=execution_id,
    )


def scattered(count: int, seed: int) -> list[LogEntry]:
    """Lines over several days, in no time order: many share a timestamp (and ties break by
    the order they were appended), some sit on a bucket's edge, a burst fills one second, and
    a few are older than 1970 (negative timestamps)."""
    rng = random.Random(seed)
    edges = [
        T0,
        T0 + timedelta(days=1),
        T0 + timedelta(hours=1) - timedelta(microseconds=1),
        T0 + timedelta(minutes=7, seconds=1),
        datetime(1969, 12, 31, 23, 59, 59, 999_999, tzinfo=UTC),
        datetime(1969, 12, 31, 23, 59, 59, tzinfo=UTC),
    ]
    burst = T0 + timedelta(days=2, seconds=3)
    entries = []
    for n in range(count):
        kind = rng.random()
        if kind < 0.2:
            at = rng.choice(edges)
        elif kind < 0.4:
            at = burst + timedelta(microseconds=rng.randrange(0, 999_999, 250_000))
        else:
            at = T0 + timedelta(seconds=rng.randrange(-86_400, 4 * 86_400), microseconds=n % 3)
        entries.append(line(n, at, execution_id=f"e{n % 5}"))
    return entries


def expected(entries: list[LogEntry], *, descending: bool = True) -> list[str]:
    """The messages in the search's order: by time, ties by append order, all one direction."""
    ordered = sorted(enumerate(entries), key=lambda pair: (pair[1].timestamp, pair[0]))
    messages = [entry.message for _, entry in ordered]
    return messages[::-1] if descending else messages


def assert_counts_match_the_lines(db: Database) -> None:
    """Every level of the summary, shards added up, counts exactly the stored lines."""
    with db.read() as conn:
        stamps = [
            int(s)
            for s in conn.execute(
                select(type_coerce(log_entries.c.timestamp, BigInteger))
            ).scalars()
        ]
        summed = func.sum(log_counts.c.lines)
        rows = conn.execute(
            select(log_counts.c.span, log_counts.c.bucket, summed)
            .group_by(log_counts.c.span, log_counts.c.bucket)
            .having(summed != 0)
        ).all()
    found = {(int(span), int(bucket)): int(lines) for span, bucket, lines in rows}
    assert found == Counter((span, stamp // span) for span in SPANS for stamp in stamps)


def test_every_page_is_the_index_walk_s_page(database: Database) -> None:
    logs = SqlLogStore(database)
    entries = scattered(700, seed=1)
    # Several batches, the later ones holding older lines: workers send late lines.
    for start in range(0, len(entries), 90):
        logs.append(entries[start : start + 90])
    assert_counts_match_the_lines(database)
    for descending, sort in (
        (True, []),
        (True, [Sort("timestamp", True)]),
        (False, [Sort("timestamp")]),
    ):
        want = expected(entries, descending=descending)
        for size in (1, 7, 25):
            # Every page of 7 and 25 lines; a sample of the pages of one line.
            for page in range(1, len(entries) // size + 3, 23 if size == 1 else 1):
                got = logs.search(LogQuery(), page, size, sort)
                assert [e.message for e in got.results] == want[(page - 1) * size : page * size]
                assert (got.total, got.exact) == (len(entries), True)


def test_a_page_past_the_end_and_an_empty_store(database: Database) -> None:
    logs = SqlLogStore(database)
    empty = logs.search(LogQuery(), 3, 10)
    assert (empty.results, empty.total, empty.exact) == ([], 0, True)
    logs.append(line(n, T0 + timedelta(seconds=n)) for n in range(12))
    past = logs.search(LogQuery(), 3, 10)
    assert (past.results, past.total, past.exact) == ([], 12, True)
    assert [e.message for e in logs.search(LogQuery(), 2, 10).results] == ["line 1", "line 0"]
    huge = logs.search(LogQuery(), 10**18, 10)
    assert (huge.results, huge.total) == ([], 12)


def test_filters_and_an_unused_order_keep_their_answers(database: Database) -> None:
    logs = SqlLogStore(database)
    entries = scattered(200, seed=2)
    logs.append(entries)
    # ``order`` and an empty text do not filter: the summary answers.
    for query in (LogQuery(order="oldest"), LogQuery(text="")):
        got = logs.search(query, 3, 10)
        assert [e.message for e in got.results] == expected(entries)[20:30]
        assert (got.total, got.exact) == (200, True)
    of_e1 = [e for e in entries if e.execution_id == "e1"]
    got = logs.search(LogQuery(execution_id="e1"), 2, 10)
    assert [e.message for e in got.results] == expected(of_e1)[10:20]


def test_deleting_an_execution_s_lines_takes_them_out_of_the_counts(database: Database) -> None:
    logs = SqlLogStore(database)
    entries = scattered(400, seed=3)
    logs.append(entries)
    gone = [e for e in entries if e.execution_id == "e2"]
    assert logs.delete_by_execution("e2") == len(gone)
    assert logs.delete_by_execution("e2") == 0
    assert logs.delete_by_execution("no-such-execution") == 0
    kept = [e for e in entries if e.execution_id != "e2"]
    assert_counts_match_the_lines(database)
    got = logs.search(LogQuery(), 9, 20)
    assert [e.message for e in got.results] == expected(kept)[160:180]
    assert got.total == len(kept)
    for execution in ("e0", "e1", "e3", "e4"):
        logs.delete_by_execution(execution)
    assert_counts_match_the_lines(database)
    with database.read() as conn:
        # Emptied buckets go: nothing is left to sum.
        assert conn.execute(select(func.count()).select_from(log_counts)).scalar_one() == 0
    assert logs.search(LogQuery(), 1, 10).total == 0


def test_migration_8_counts_the_lines_already_stored(database_url: str) -> None:
    entries = scattered(300, seed=4)
    rows = [
        {
            "namespace": e.namespace,
            "flow_id": e.flow_id,
            "execution_id": e.execution_id,
            "timestamp": e.timestamp,
            "level": e.level.value,
            "message": e.message,
        }
        for e in entries
    ]
    with Database(database_url, migrations=MIGRATIONS[:7]) as db, db.write() as conn:
        conn.execute(insert(log_entries), rows)
    with Database(database_url) as db:
        assert db.applied_migrations == (8,)
        assert_counts_match_the_lines(db)
        got = SqlLogStore(db).search(LogQuery(), 5, 30)
        assert [e.message for e in got.results] == expected(entries)[120:150]
        assert got.total == 300


def test_an_inconsistent_summary_falls_back_to_the_index(
    database: Database, caplog: pytest.LogCaptureFixture
) -> None:
    logs = SqlLogStore(database)
    entries = scattered(100, seed=5)
    logs.append(entries)
    with database.write() as conn:
        conn.execute(log_counts.delete().where(log_counts.c.span == SPANS[-1]))
    got = logs.search(LogQuery(), 2, 10)
    assert [e.message for e in got.results] == expected(entries)[10:20]
    assert "log_counts" in caplog.text


def test_concurrent_writers_and_deletes_keep_the_counts_exact(database: Database) -> None:
    # On PostgreSQL the writers hold different connections, and so (mostly) different shards
    # of the same hot buckets; on SQLite they queue for the write lock.
    logs = SqlLogStore(database)
    errors: list[BaseException] = []

    def write(worker: int) -> None:
        try:
            rng = random.Random(worker)
            for batch in range(15):
                stamp = T0 + timedelta(seconds=rng.randrange(0, 5))
                logs.append(
                    line(
                        n, stamp + timedelta(microseconds=n), execution_id=f"w{worker}-{batch % 3}"
                    )
                    for n in range(20)
                )
                if batch % 5 == 4:
                    logs.delete_by_execution(f"w{worker}-{rng.randrange(3)}")
        except BaseException as err:  # reported by the test's thread
            errors.append(err)

    threads = [threading.Thread(target=write, args=(worker,)) for worker in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert_counts_match_the_lines(database)
    with database.read() as conn:
        stored = conn.execute(select(func.count()).select_from(log_entries)).scalar_one()
        shards = conn.execute(text("SELECT count(DISTINCT shard) FROM log_counts")).scalar_one()
    assert logs.search(LogQuery(), 4, 10).total == stored
    if database.dialect == "sqlite":
        assert shards == 1
    # Deleting every line folds every bucket's shards away.
    for worker in range(6):
        for execution in range(3):
            logs.delete_by_execution(f"w{worker}-{execution}")
    with database.read() as conn:
        assert conn.execute(select(func.count()).select_from(log_counts)).scalar_one() == 0


def test_a_deep_page_skips_only_lines_of_its_own_second(database: Database) -> None:
    # 3 lines in second 0, 5 in second 1, 2 in second 3600 (the next hour), 4 the next day.
    seconds = {0: 3, 1: 5, 3_600: 2, 86_400: 4}
    SqlLogStore(database).append(
        line(n, T0 + timedelta(seconds=second, microseconds=n))
        for second, count in seconds.items()
        for n in range(count)
    )
    base = int(T0.timestamp()) * SECOND
    with database.read() as conn:
        # Newest first: the next day's 4, then the 2, then the 5, then the 3.
        assert locate(conn, 0, descending=True) == (14, Position(base + 86_401 * SECOND, 0))
        assert locate(conn, 5, descending=True) == (14, Position(base + 3_601 * SECOND, 1))
        assert locate(conn, 10, descending=True) == (14, Position(base + 2 * SECOND, 4))
        assert locate(conn, 13, descending=True) == (14, Position(base + SECOND, 2))
        assert locate(conn, 14, descending=True) == (14, None)
        # Oldest first: from the start of each second.
        assert locate(conn, 4, descending=False) == (14, Position(base + SECOND, 1))
        assert locate(conn, 12, descending=False) == (14, Position(base + 86_400 * SECOND, 2))
