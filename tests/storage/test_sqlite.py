"""What only the SQLite backend does: WAL and pragmas on every connection, a file to open."""

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Connection, QueuePool

from tests.storage.contracts import run_threads
from tiercel.storage import Database, SqlKVStore, StorageError
from tiercel.storage.sql import MIGRATIONS

NOW = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    with Database.sqlite(tmp_path / "tiercel.db") as database:
        yield database


def _pragmas(conn: Connection) -> dict[str, object]:
    names = ["journal_mode", "synchronous", "busy_timeout", "foreign_keys"]
    return {name: conn.exec_driver_sql(f"PRAGMA {name}").scalar() for name in names}


def test_every_connection_is_set_up_for_concurrency(db: Database) -> None:
    expected = {"journal_mode": "wal", "synchronous": 1, "busy_timeout": 10_000, "foreign_keys": 1}

    def check(_: int) -> dict[str, object]:
        with db.read() as conn:
            return _pragmas(conn)

    # Several threads at once, so the pool opens several connections.
    assert run_threads(6, check) == [expected] * 6


def test_sqlite_opens_a_file(db: Database) -> None:
    assert db.dialect == "sqlite"
    assert db.applied_migrations == tuple(m.version for m in MIGRATIONS)


@pytest.mark.parametrize("url", ["sqlite://", "sqlite:///:memory:"])
def test_in_memory_databases_are_refused(url: str) -> None:
    with pytest.raises(StorageError, match="in-memory"):
        Database(url)


def test_a_database_closes_its_connections(tmp_path: Path) -> None:
    db = Database.sqlite(tmp_path / "tiercel.db")
    SqlKVStore(db).set("ns", "k", 1, now=NOW)
    db.close()
    pool = db.engine.pool
    assert isinstance(pool, QueuePool)
    assert pool.checkedout() == 0
    assert "tiercel.db" in repr(db)


def test_an_unopenable_file_is_a_storage_error(tmp_path: Path) -> None:
    with pytest.raises(StorageError, match="opening"):
        Database.sqlite(tmp_path / "missing-dir" / "tiercel.db")
