"""The SQLite backend passes the KV, log and metric contracts; its database behaves."""

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Connection, QueuePool, inspect, text

from tests.storage.contracts import (
    KVStoreContract,
    LogStoreContract,
    MetricStoreContract,
    log,
    run_threads,
)
from tiercel.storage import (
    Database,
    LogQuery,
    SchemaError,
    SqlKVStore,
    SqlLogStore,
    SqlMetricStore,
    StorageError,
)
from tiercel.storage.sql import MIGRATIONS, Migration
from tiercel.storage.sql.schema import metadata

NOW = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)

ALL_VERSIONS = tuple(m.version for m in MIGRATIONS)
LATEST = ALL_VERSIONS[-1]


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    with Database.sqlite(tmp_path / "tiercel.db") as database:
        yield database


class TestSqliteKVStore(KVStoreContract):
    @pytest.fixture
    def kv(self, db: Database) -> SqlKVStore:
        return SqlKVStore(db)


class TestSqliteLogStore(LogStoreContract):
    @pytest.fixture
    def logs(self, db: Database) -> SqlLogStore:
        return SqlLogStore(db)


class TestSqliteMetricStore(MetricStoreContract):
    @pytest.fixture
    def metrics(self, db: Database) -> SqlMetricStore:
        return SqlMetricStore(db)


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


def test_a_new_database_is_migrated(db: Database) -> None:
    assert db.applied_migrations == ALL_VERSIONS
    assert db.schema_version == LATEST
    assert db.dialect == "sqlite"


def test_the_schema_module_matches_what_the_migrations_build(db: Database) -> None:
    with db.read() as conn:
        inspector = inspect(conn)
        for table in metadata.sorted_tables:
            columns = {c["name"]: c for c in inspector.get_columns(table.name)}
            assert list(columns) == [c.name for c in table.columns], table.name
            for column in table.columns:
                assert columns[column.name]["nullable"] == column.nullable, column
            indexes = {i["name"]: i["column_names"] for i in inspector.get_indexes(table.name)}
            expected = {i.name: [c.name for c in i.columns] for i in table.indexes}
            assert indexes == expected, table.name
            pk = inspector.get_pk_constraint(table.name)["constrained_columns"]
            assert pk == [c.name for c in table.primary_key.columns]


def test_reopening_keeps_data_and_does_not_migrate_again(tmp_path: Path) -> None:
    calls: list[int] = []

    def counted(conn: Connection) -> None:
        calls.append(1)
        MIGRATIONS[0].upgrade(conn)

    history = [Migration(1, "init", counted)]
    path = tmp_path / "tiercel.db"
    with Database.sqlite(path, migrations=history) as db:
        SqlKVStore(db).set("ns", "k", "kept", now=NOW)
        SqlLogStore(db).append([log("kept")])
    for _ in range(2):
        with Database.sqlite(path, migrations=history) as db:
            assert db.applied_migrations == ()
            entry = SqlKVStore(db).get("ns", "k", now=NOW)
            assert entry is not None
            assert entry.value == "kept"
            assert [e.message for e in SqlLogStore(db).find(LogQuery())] == ["kept"]
            with db.read() as conn:
                rows = conn.execute(text("SELECT version, name FROM schema_version")).all()
            assert [tuple(r) for r in rows] == [(1, "init")]
    assert calls == [1]


def test_reopening_applies_only_new_migrations(tmp_path: Path) -> None:
    path = tmp_path / "tiercel.db"
    with Database.sqlite(path) as db:
        SqlKVStore(db).set("ns", "k", 1, now=NOW)

    def add_table(conn: Connection) -> None:
        conn.execute(text("CREATE TABLE extra (id INTEGER PRIMARY KEY)"))

    history = [*MIGRATIONS, Migration(LATEST + 1, "extra", add_table)]
    with Database.sqlite(path, migrations=history) as db:
        assert db.applied_migrations == (LATEST + 1,)
        assert db.schema_version == LATEST + 1
        with db.read() as conn:
            assert inspect(conn).has_table("extra")
        assert SqlKVStore(db).get("ns", "k", now=NOW) is not None


def test_a_failed_migration_changes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "tiercel.db"
    Database.sqlite(path).close()

    def broken(conn: Connection) -> None:
        conn.execute(text("CREATE TABLE half_done (id INTEGER)"))
        raise RuntimeError("boom")

    with pytest.raises(StorageError, match="boom"):
        Database.sqlite(path, migrations=[*MIGRATIONS, Migration(LATEST + 1, "broken", broken)])
    with Database.sqlite(path) as db:
        assert db.schema_version == LATEST
        with db.read() as conn:
            assert not inspect(conn).has_table("half_done")


def test_a_database_newer_than_the_code_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "tiercel.db"
    later = [*MIGRATIONS, Migration(LATEST + 1, "later", lambda conn: None)]
    Database.sqlite(path, migrations=later).close()
    with pytest.raises(SchemaError, match="newer"):
        Database.sqlite(path)


@pytest.mark.parametrize(
    "history",
    [
        [Migration(2, "starts at two", lambda conn: None)],
        [*MIGRATIONS, Migration(LATEST + 2, "gap", lambda conn: None)],
        [*MIGRATIONS, *MIGRATIONS],
    ],
)
def test_migration_numbers_must_run_in_order(tmp_path: Path, history: list[Migration]) -> None:
    with pytest.raises(SchemaError, match="must run"):
        Database.sqlite(tmp_path / "tiercel.db", migrations=history)


def test_migrating_concurrently_is_safe(tmp_path: Path) -> None:
    path = tmp_path / "tiercel.db"

    def open_and_close(_: int) -> tuple[int, ...]:
        with Database.sqlite(path) as db:
            applied: tuple[int, ...] = db.applied_migrations
            return applied

    applied = run_threads(6, open_and_close)
    assert sorted(applied) == [(), (), (), (), (), ALL_VERSIONS]


@pytest.mark.parametrize("url", ["sqlite://", "sqlite:///:memory:"])
def test_in_memory_databases_are_refused(url: str) -> None:
    with pytest.raises(StorageError, match="in-memory"):
        Database(url)


def test_two_processes_worth_of_writers_share_a_file(tmp_path: Path) -> None:
    path = tmp_path / "tiercel.db"
    with Database.sqlite(path) as first, Database.sqlite(path, pool_size=2) as second:
        stores = [SqlKVStore(first), SqlKVStore(second)]

        def work(i: int) -> None:
            kv = stores[i % 2]
            for j in range(25):
                kv.set("ns", f"k{i}-{j}", j, now=NOW)
                kv.set("ns", "hot", i, now=NOW)

        run_threads(8, work)
        assert len(stores[0].keys("ns", now=NOW)) == 8 * 25 + 1


def test_times_are_stored_as_utc_microseconds(db: Database) -> None:
    SqlLogStore(db).append([log("m", timestamp=datetime(1970, 1, 1, 0, 0, 1, 5, tzinfo=UTC))])
    with db.read() as conn:
        assert conn.execute(text('SELECT "timestamp" FROM log_entries')).scalar() == 1_000_005


def test_a_database_closes_its_connections(tmp_path: Path) -> None:
    db = Database.sqlite(tmp_path / "tiercel.db")
    SqlKVStore(db).set("ns", "k", 1, now=NOW)
    db.close()
    pool = db.engine.pool
    assert isinstance(pool, QueuePool)
    assert pool.checkedout() == 0
    assert "tiercel.db" in repr(db)


@pytest.mark.parametrize("url", ["not a url", "nosuchdialect://x/y"])
def test_an_unusable_url_is_a_storage_error(url: str) -> None:
    with pytest.raises(StorageError, match="database URL"):
        Database(url)


def test_an_unopenable_file_is_a_storage_error(tmp_path: Path) -> None:
    with pytest.raises(StorageError, match="opening"):
        Database.sqlite(tmp_path / "missing-dir" / "tiercel.db")
