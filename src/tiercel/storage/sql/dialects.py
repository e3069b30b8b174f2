"""What differs between SQLite and PostgreSQL, kept in one place.

Everything else in ``tiercel.storage.sql`` is portable SQLAlchemy Core. The differences are how
the engine is built, how a connection is set up, and how a write transaction starts:

* SQLite runs in WAL mode (readers never block the writer) with ``synchronous=NORMAL``
  (durable at each checkpoint, no fsync per commit), a busy timeout and foreign keys on. A write
  transaction starts with ``BEGIN IMMEDIATE``: it takes the write lock up front, so a
  transaction that reads then writes waits its turn instead of failing with "database is
  locked" when another connection committed in between (which a deferred ``BEGIN`` does in
  WAL mode, whatever the busy timeout).
* PostgreSQL needs none of that, but its write transactions (READ COMMITTED) do not exclude
  each other: a store that reads then writes a key takes that key's advisory lock first
  (``lock_key``), and migrations take one so that two processes starting together do not both
  migrate. Its text sorts by the database's collation (``en_US`` on most servers, which puts
  ``a`` before ``B`` and orders punctuation its own way), so queries that order text ask for
  code-point order (``code_point_order``), which is SQLite's own.
"""

import sqlite3
import time
from typing import Any

from sqlalchemy import ColumnElement, Connection, Engine, Table, event, func, select, text
from sqlalchemy.dialects import sqlite
from sqlalchemy.engine import URL
from sqlalchemy.exc import DisconnectionError

from tiercel.storage.errors import StorageError

WRITE_OPTION = "tiercel_write"
"""Execution option marking a connection whose next transaction will write."""

_WAL_RETRY_MS = 20
# Any constant works, as long as every Tiercel process uses the same one.
_MIGRATION_LOCK_ID = 0x71E2CE1


def engine_options(url: URL, *, busy_timeout_s: float, pool_size: int) -> dict[str, Any]:
    """Keyword arguments for ``create_engine`` suited to the URL's dialect.

    Raises:
        StorageError: An in-memory SQLite URL: each pooled connection would get its own empty
            database.
    """
    if url.get_backend_name() == "sqlite":
        database = url.database or ""
        if database in ("", ":memory:") or url.query.get("mode") == "memory":
            raise StorageError(
                f"{url.render_as_string(hide_password=True)}: an in-memory SQLite database "
                "cannot be shared between connections; give a file path"
            )
        return {
            "pool_size": pool_size,
            "max_overflow": pool_size,
            # The driver's own lock wait, used before our PRAGMA runs on a new connection.
            "connect_args": {"timeout": busy_timeout_s},
        }
    # No pool_pre_ping: it costs a round trip on every checkout, one per transaction. A
    # connection is checked only after it sat idle (``configure``).
    options: dict[str, Any] = {"pool_size": pool_size, "max_overflow": pool_size}
    if url.get_backend_name() == "postgresql" and "connect_timeout" not in url.query:
        # An unreachable host fails within seconds rather than after the OS's TCP timeout.
        options["connect_args"] = {"connect_timeout": max(1, round(busy_timeout_s))}
    return options


def configure(engine: Engine, *, busy_timeout_s: float) -> None:
    """Install the per-connection set-up the engine's dialect needs."""
    if engine.dialect.name == "sqlite":
        _configure_sqlite(engine, busy_timeout_ms=round(busy_timeout_s * 1000))
    else:
        _ping_when_idle(engine)


IDLE_BEFORE_PING = 1.0
"""Seconds a pooled connection of a database server may sit unused before it is checked at
its next checkout."""


def _ping_when_idle(engine: Engine) -> None:
    """Check a pooled connection that sat idle before handing it out, and replace it when
    the server has closed it (a restart, an idle timeout) rather than failing once.

    Checking at every checkout (``pool_pre_ping``) costs a round trip per transaction, a
    busy executor's dozens a second. A connection in use moments ago is as likely to have
    been closed as one just checked; one idle for a while is the one a restart catches.
    """

    @event.listens_for(engine, "checkin")
    def _on_checkin(_dbapi_connection: Any, record: Any) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _on_checkout(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        since = record.info.get("idle_since")
        if since is None or time.monotonic() - since < IDLE_BEFORE_PING:
            return  # new, or in use a moment ago
        try:
            engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as exc:
            # The pool discards this connection and hands out a new one.
            raise DisconnectionError(f"a pooled connection was closed: {exc}") from exc


def lock_for_migrations(conn: Connection) -> None:
    """Serialise migrations across processes, inside the current write transaction."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": _MIGRATION_LOCK_ID})
    # SQLite: the write transaction's BEGIN IMMEDIATE already excludes every other writer.


def lock_key(conn: Connection, *parts: str) -> None:
    """Make the rest of the current write transaction the only writer of one logical key.

    For a store that reads a row and then writes what it read implies (the next revision, a
    key that must not exist yet): on PostgreSQL two such transactions would both read the old
    state. The lock is held until the transaction ends; an unrelated key whose hash collides
    only waits a little. Nothing to do on SQLite, whose write transactions are serialised.
    """
    if conn.dialect.name == "postgresql":
        key = "\x1f".join(parts)
        conn.execute(select(func.pg_advisory_xact_lock(func.hashtextextended(key, 0))))


def code_point_order(dialect: str, column: ColumnElement[str]) -> ColumnElement[str]:
    """``column`` as ORDER BY should see it to sort text by code point on every database."""
    if dialect == "postgresql":
        # "C" compares UTF-8 bytes, which sort as their code points do: SQLite's BINARY.
        return column.collate("C")
    return column


def starts_with(column: ColumnElement[str], prefix: str) -> ColumnElement[bool]:
    """Whether ``column`` starts with ``prefix``, compared exactly on every database.

    Not LIKE: SQLite's ignores case and PostgreSQL's does not, and ``_`` and ``%`` in the
    prefix would need escaping. Comparing a substring is exact on both.
    """
    return func.substr(column, 1, len(prefix)) == prefix


def _configure_sqlite(engine: Engine, *, busy_timeout_ms: int) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Stop the sqlite3 module from issuing BEGIN on its own (and COMMIT before DDL);
        # ``_on_begin`` issues the BEGIN we want instead.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {busy_timeout_ms}")
            _use_wal(cursor, attempts=max(1, busy_timeout_ms // _WAL_RETRY_MS))
            cursor.execute("PRAGMA synchronous = NORMAL")
            cursor.execute("PRAGMA foreign_keys = ON")
            # 32 MiB of page cache (2 MiB by default): the task-run index of a large
            # execution stays in memory instead of being read back page by page.
            cursor.execute("PRAGMA cache_size = -32768")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        write = conn.get_execution_options().get(WRITE_OPTION, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def _use_wal(cursor: Any, *, attempts: int) -> None:
    """Put the database file in WAL mode, which then sticks to the file for every connection.

    Switching needs an exclusive lock, and SQLite answers "database is locked" at once, without
    the busy handler, when another connection holds one (several processes opening a new
    database together), so this retries for about the busy timeout.
    """
    for attempt in range(attempts):
        try:
            if cursor.execute("PRAGMA journal_mode").fetchone()[0] == "wal":
                return
            cursor.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as err:
            if "locked" not in str(err) or attempt == attempts - 1:
                raise
            time.sleep(_WAL_RETRY_MS / 1000)


def insert(dialect: str, table: Table) -> Any:
    """An INSERT that can take ``on_conflict_do_update``: SQLite's or PostgreSQL's."""
    if dialect == "postgresql":
        # Imported here: SQLAlchemy's PostgreSQL dialect (and asyncio with it) costs tens of
        # milliseconds that a SQLite start-up should not pay.
        from sqlalchemy.dialects import postgresql

        return postgresql.insert(table)
    return sqlite.insert(table)
