"""Each SQL backend passes the KV, log and metric contracts; its database migrates and behaves."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import Connection, inspect, text

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


class TestSqlKVStore(KVStoreContract):
    @pytest.fixture
    def kv(self, database: Database) -> SqlKVStore:
        return SqlKVStore(database)


class TestSqlLogStore(LogStoreContract):
    @pytest.fixture
    def logs(self, database: Database) -> SqlLogStore:
        return SqlLogStore(database)


class TestSqlMetricStore(MetricStoreContract):
    @pytest.fixture
    def metrics(self, database: Database) -> SqlMetricStore:
        return SqlMetricStore(database)


def test_a_new_database_is_migrated(database: Database, database_url: str) -> None:
    assert database.applied_migrations == ALL_VERSIONS
    assert database.schema_version == LATEST
    assert database.dialect == database_url.split(":")[0].split("+")[0]


def test_the_schema_module_matches_what_the_migrations_build(database: Database) -> None:
    with database.read() as conn:
        inspector = inspect(conn)
        for table in metadata.sorted_tables:
            columns = {c["name"]: c for c in inspector.get_columns(table.name)}
            assert list(columns) == [c.name for c in table.columns], table.name
            for column in table.columns:
                assert columns[column.name]["nullable"] == column.nullable, column
            indexes = {
                i["name"]: i["column_names"]
                for i in inspector.get_indexes(table.name)
                # PostgreSQL also lists the index behind a UNIQUE constraint.
                if "duplicates_constraint" not in i
            }
            expected = {i.name: [c.name for c in i.columns] for i in table.indexes}
            assert indexes == expected, table.name
            pk = inspector.get_pk_constraint(table.name)["constrained_columns"]
            assert pk == [c.name for c in table.primary_key.columns]


def test_reopening_keeps_data_and_does_not_migrate_again(database_url: str) -> None:
    calls: list[int] = []

    def counted(conn: Connection) -> None:
        # The whole schema as one step: the log store also writes the tables of later ones.
        calls.append(1)
        for migration in MIGRATIONS:
            migration.upgrade(conn)

    history = [Migration(1, "init", counted)]
    with Database(database_url, migrations=history) as db:
        SqlKVStore(db).set("ns", "k", "kept", now=NOW)
        SqlLogStore(db).append([log("kept")])
    for _ in range(2):
        with Database(database_url, migrations=history) as db:
            assert db.applied_migrations == ()
            entry = SqlKVStore(db).get("ns", "k", now=NOW)
            assert entry is not None
            assert entry.value == "kept"
            assert [e.message for e in SqlLogStore(db).find(LogQuery())] == ["kept"]
            with db.read() as conn:
                rows = conn.execute(text("SELECT version, name FROM schema_version")).all()
            assert [tuple(r) for r in rows] == [(1, "init")]
    assert calls == [1]


def test_reopening_applies_only_new_migrations(database_url: str) -> None:
    with Database(database_url) as db:
        SqlKVStore(db).set("ns", "k", 1, now=NOW)

    def add_table(conn: Connection) -> None:
        conn.execute(text("CREATE TABLE extra (id INTEGER PRIMARY KEY)"))

    history = [*MIGRATIONS, Migration(LATEST + 1, "extra", add_table)]
    with Database(database_url, migrations=history) as db:
        assert db.applied_migrations == (LATEST + 1,)
        assert db.schema_version == LATEST + 1
        with db.read() as conn:
            assert inspect(conn).has_table("extra")
        assert SqlKVStore(db).get("ns", "k", now=NOW) is not None


def test_a_failed_migration_changes_nothing(database_url: str) -> None:
    Database(database_url).close()

    def broken(conn: Connection) -> None:
        conn.execute(text("CREATE TABLE half_done (id INTEGER)"))
        raise RuntimeError("boom")

    with pytest.raises(StorageError, match="boom"):
        Database(database_url, migrations=[*MIGRATIONS, Migration(LATEST + 1, "broken", broken)])
    with Database(database_url) as db:
        assert db.schema_version == LATEST
        with db.read() as conn:
            assert not inspect(conn).has_table("half_done")


def test_a_database_newer_than_the_code_is_refused(database_url: str) -> None:
    later = [*MIGRATIONS, Migration(LATEST + 1, "later", lambda conn: None)]
    Database(database_url, migrations=later).close()
    with pytest.raises(SchemaError, match="newer"):
        Database(database_url)


@pytest.mark.parametrize(
    "history",
    [
        [Migration(2, "starts at two", lambda conn: None)],
        [*MIGRATIONS, Migration(LATEST + 2, "gap", lambda conn: None)],
        [*MIGRATIONS, *MIGRATIONS],
    ],
)
def test_migration_numbers_must_run_in_order(database_url: str, history: list[Migration]) -> None:
    with pytest.raises(SchemaError, match="must run"):
        Database(database_url, migrations=history)


def test_migrating_concurrently_is_safe(database_url: str) -> None:
    def open_and_close(_: int) -> tuple[int, ...]:
        with Database(database_url) as db:
            applied: tuple[int, ...] = db.applied_migrations
            return applied

    applied = run_threads(6, open_and_close)
    assert sorted(applied) == [(), (), (), (), (), ALL_VERSIONS]


def test_two_processes_worth_of_writers_share_a_database(database_url: str) -> None:
    with Database(database_url) as first, Database(database_url, pool_size=2) as second:
        stores = [SqlKVStore(first), SqlKVStore(second)]

        def work(i: int) -> None:
            kv = stores[i % 2]
            for j in range(25):
                kv.set("ns", f"k{i}-{j}", j, now=NOW)
                kv.set("ns", "hot", i, now=NOW)

        run_threads(8, work)
        assert len(stores[0].keys("ns", now=NOW)) == 8 * 25 + 1


def test_times_are_stored_as_utc_microseconds(database: Database) -> None:
    SqlLogStore(database).append([log("m", timestamp=datetime(1970, 1, 1, 0, 0, 1, 5, tzinfo=UTC))])
    with database.read() as conn:
        assert conn.execute(text('SELECT "timestamp" FROM log_entries')).scalar() == 1_000_005


@pytest.mark.parametrize("url", ["not a url", "nosuchdialect://x/y"])
def test_an_unusable_url_is_a_storage_error(url: str) -> None:
    with pytest.raises(StorageError, match="database URL"):
        Database(url)


def test_a_nul_character_in_free_text_is_stored_as_a_replacement(database: Database) -> None:
    # PostgreSQL's text cannot hold NUL: a program's binary output must not lose its batch.
    logs = SqlLogStore(database)
    logs.append([log("a\x00b", thread="t\x00"), log("next")])
    assert [(e.message, e.thread) for e in logs.find(LogQuery())] == [
        ("a\ufffdb", "t\ufffd"),
        ("next", None),
    ]
    kv = SqlKVStore(database)
    kv.set("ns", "k", "v\x00", description="d\x00", now=NOW)
    entry = kv.get("ns", "k", now=NOW)
    assert entry is not None and (entry.value, entry.description) == ("v\x00", "d\ufffd")
