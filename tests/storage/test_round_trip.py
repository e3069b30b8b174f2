"""A PostgreSQL transaction in one round trip: committed whole with its rows returned, or not
at all; the connection goes back to the pool usable either way."""

import pytest
from psycopg.errors import UniqueViolation
from sqlalchemy import text

from tiercel.storage import Database
from tiercel.storage.sql.prepared import Prepared
from tiercel.storage.sql.round_trip import in_one_trip

_INSERT = "INSERT INTO kv_test (k, v) VALUES (%(k)s, %(v)s)"


def _rows(db: Database) -> list[tuple[str, str]]:
    with db.read() as conn:
        return [(r.k, r.v) for r in conn.execute(text("SELECT k, v FROM kv_test ORDER BY k"))]


def test_statements_are_committed_together_and_the_rows_come_back(postgres_url: str) -> None:
    with Database(postgres_url, pool_size=1) as db:
        with db.write() as conn:
            conn.execute(text("CREATE TABLE kv_test (k TEXT PRIMARY KEY, v TEXT)"))
        select = Prepared(db.engine, text("SELECT v FROM kv_test WHERE k <= :k ORDER BY k"))
        rows = in_one_trip(
            db.engine,
            [
                (_INSERT, {"k": "a", "v": "1"}),
                (_INSERT, {"k": "b", "v": "2"}),
                (select, {"k": "b"}),
            ],
            rows_of=2,
        )
        assert rows == [("1",), ("2",)]  # the statement sees those before it
        assert in_one_trip(db.engine, [(_INSERT, {"k": "c", "v": "3"})]) == []
        assert _rows(db) == [("a", "1"), ("b", "2"), ("c", "3")]


def test_a_failing_statement_commits_nothing(postgres_url: str) -> None:
    with Database(postgres_url, pool_size=1) as db:
        with db.write() as conn:
            conn.execute(text("CREATE TABLE kv_test (k TEXT PRIMARY KEY, v TEXT)"))
        in_one_trip(db.engine, [(_INSERT, {"k": "a", "v": "1"})])
        with pytest.raises(UniqueViolation):
            in_one_trip(
                db.engine, [(_INSERT, {"k": "b", "v": "2"}), (_INSERT, {"k": "a", "v": "x"})]
            )
        assert _rows(db) == [("a", "1")]  # b went with the failure
        in_one_trip(db.engine, [(_INSERT, {"k": "b", "v": "2"})])  # the connection still works
        assert _rows(db) == [("a", "1"), ("b", "2")]
