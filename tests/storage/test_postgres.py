"""What only the PostgreSQL backend does: its migration lock, and errors that name the server."""

import socket
import sys
import threading
import time

import pytest
from sqlalchemy import NullPool, create_engine, text

from tiercel.storage import Database, StorageError
from tiercel.storage.sql import MIGRATIONS, dialects
from tiercel.storage.sql.dialects import _MIGRATION_LOCK_ID

ALL_VERSIONS = tuple(m.version for m in MIGRATIONS)


def test_two_databases_migrating_at_once_both_succeed(postgres_url: str) -> None:
    applied: list[tuple[int, ...]] = []
    failures: list[BaseException] = []

    def open_and_close() -> None:
        try:
            with Database(postgres_url) as db:
                applied.append(db.applied_migrations)
        except BaseException as err:  # pragma: no cover - reported by the assertion below
            failures.append(err)

    # Hold the migration lock, so that both are sure to reach it before either migrates.
    holder = create_engine(postgres_url, poolclass=NullPool)
    with holder.connect() as conn, conn.begin():
        conn.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": _MIGRATION_LOCK_ID})
        threads = [threading.Thread(target=open_and_close) for _ in range(2)]
        for thread in threads:
            thread.start()
        time.sleep(0.5)
        assert applied == [] and failures == [], "migrated without the lock"
    holder.dispose()
    for thread in threads:
        thread.join(timeout=30)
    assert failures == []
    assert sorted(applied) == [(), ALL_VERSIONS]


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def test_an_unreachable_server_is_a_storage_error_without_the_password() -> None:
    url = f"postgresql+psycopg://tiercel:s3cret@127.0.0.1:{_closed_port()}/tiercel"
    with pytest.raises(StorageError, match=r"opening .*tiercel:\*\*\*@127\.0\.0\.1") as raised:
        Database(url)
    assert "s3cret" not in str(raised.value)
    assert "refused" in str(raised.value).lower()


def test_a_missing_driver_is_a_storage_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "psycopg", None)
    with pytest.raises(StorageError, match=r"not installed.*tiercel\[postgres\]") as raised:
        Database("postgresql+psycopg://tiercel:s3cret@127.0.0.1/tiercel")
    assert "s3cret" not in str(raised.value)


@pytest.mark.parametrize(
    "url",
    ["postgresql+psycopg://tiercel:s3cret@host:port/db", "postgresql+nodriver://u:s3cret@h/d"],
)
def test_a_bad_url_is_a_storage_error_without_the_password(url: str) -> None:
    with pytest.raises(StorageError, match="database URL") as raised:
        Database(url)
    assert "s3cret" not in str(raised.value)


def test_a_pooled_connection_the_server_closed_is_replaced_unseen(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(dialects, "IDLE_BEFORE_PING", 0.0)  # every idle connection is checked
    with Database(postgres_url) as db:
        with db.read() as conn:
            pid = conn.execute(text("SELECT pg_backend_pid()")).scalar_one()
        # The server closes the pooled connection, as a restart would.
        killer = create_engine(postgres_url, poolclass=NullPool)
        with killer.connect() as conn:
            assert conn.execute(text("SELECT pg_terminate_backend(:p)"), {"p": pid}).scalar_one()
        killer.dispose()
        with db.read() as conn:  # no error: a new connection took the closed one's place
            assert conn.execute(text("SELECT pg_backend_pid()")).scalar_one() != pid


def test_a_connection_in_use_moments_ago_is_not_pinged(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Database(postgres_url) as db:
        dialect = db._engine.dialect
        pings: list[object] = []
        ping = dialect.do_ping
        monkeypatch.setattr(dialect, "do_ping", lambda c: pings.append(c) or ping(c))
        for _ in range(5):
            with db.read() as conn:
                conn.execute(text("SELECT 1"))
        assert pings == []
        monkeypatch.setattr(dialects, "IDLE_BEFORE_PING", 0.0)
        with db.read() as conn:
            conn.execute(text("SELECT 1"))
        assert len(pings) == 1
