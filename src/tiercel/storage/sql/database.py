"""``Database``: one SQLAlchemy engine, its transactions and its migrations."""

import os
import re
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from types import TracebackType
from typing import Any, Self

from sqlalchemy import Connection, Engine, create_engine
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError

from tiercel.storage.errors import StorageError
from tiercel.storage.sql import dialects
from tiercel.storage.sql.migrations import (
    MIGRATIONS,
    Migration,
    apply_missing,
    check_sequence,
    current_version,
)
from tiercel.storage.sql.prepared import Writer


class Database:
    """A SQL database holding Tiercel's tables, migrated to the latest schema on open.

    One ``Database`` is shared by every thread of a process: each transaction checks a
    connection out of a thread-safe pool. Close it when done (it is a context manager).

    Example:
        >>> with Database.sqlite(tmp_path / "tiercel.db") as db:  # doctest: +SKIP
        ...     logs = SqlLogStore(db)
    """

    def __init__(
        self,
        url: str | URL,
        *,
        migrations: Sequence[Migration] = MIGRATIONS,
        busy_timeout_s: float = 10.0,
        pool_size: int = 8,
        echo: bool = False,
    ) -> None:
        """Connect to ``url`` and apply the migrations it lacks.

        Args:
            url: A SQLAlchemy URL: ``sqlite:///path/to/tiercel.db`` or
                ``postgresql+psycopg://user:pass@host/db``.
            migrations: The schema's history; tests pass their own.
            busy_timeout_s: How long a SQLite writer waits for another writer's lock.
            pool_size: Connections kept open (as many again may be opened under load).
            echo: Log every SQL statement (debugging).

        Raises:
            StorageError: An unusable URL, or a schema that cannot be migrated.
        """
        try:
            parsed = make_url(url)
        except (ArgumentError, ValueError) as err:  # ValueError: a port that is not a number
            raise StorageError(f"cannot use database URL {_masked(url)!r}: {err}") from err
        shown = parsed.render_as_string(hide_password=True)
        try:
            options = dialects.engine_options(
                parsed, busy_timeout_s=busy_timeout_s, pool_size=pool_size
            )
            self._engine: Engine = create_engine(parsed, echo=echo, **options)
        except ArgumentError as err:
            raise StorageError(f"cannot use database URL {shown!r}: {err}") from err
        except ImportError as err:
            # A missing driver should read as configuration, with the way to install it.
            hint = " (pip install 'tiercel[postgres]')" if "psycopg" in str(err) else ""
            raise StorageError(
                f"cannot use database URL {shown!r}: its driver is not installed: {err}{hint}"
            ) from err
        try:
            dialects.configure(self._engine, busy_timeout_s=busy_timeout_s)
            self._writer = Writer(self._engine)
            self._applied = self._migrate(migrations)
        except BaseException:
            self._engine.dispose()
            raise

    @classmethod
    def sqlite(
        cls,
        path: str | os.PathLike[str],
        *,
        migrations: Sequence[Migration] = MIGRATIONS,
        busy_timeout_s: float = 10.0,
        pool_size: int = 8,
    ) -> Self:
        """Open (or create) the SQLite database file at ``path``.

        Args:
            path: The database file; its directory must exist.
            migrations: As for the constructor.
            busy_timeout_s: As for the constructor.
            pool_size: As for the constructor.
        """
        url = URL.create("sqlite", database=os.fspath(path))
        return cls(url, migrations=migrations, busy_timeout_s=busy_timeout_s, pool_size=pool_size)

    def release_memory(self) -> None:
        """Close the pool's idle connections, and so their page caches (up to 32 MiB each on
        SQLite); new ones open when needed. A database in memory keeps its connections."""
        if self._engine.url.database in (None, "", ":memory:"):
            return
        self._writer.release()
        self._engine.pool.dispose()

    @property
    def engine(self) -> Engine:
        """The SQLAlchemy engine, for stores built on this database."""
        return self._engine

    @property
    def dialect(self) -> str:
        """The dialect's name: ``sqlite`` or ``postgresql``."""
        return self._engine.dialect.name

    @property
    def applied_migrations(self) -> tuple[int, ...]:
        """The migration versions this ``Database`` applied when it opened (often none)."""
        return self._applied

    @property
    def schema_version(self) -> int:
        """The schema version the database is at."""
        with self.read() as conn:
            return current_version(conn)

    @contextmanager
    def read(self, *, snapshot: bool = False) -> Iterator[Connection]:
        """A transaction for reading.

        Args:
            snapshot: Every query in it sees the same committed state. SQLite's read
                transactions always do; on PostgreSQL (READ COMMITTED by default, where each
                query sees what was committed when it started) this asks for REPEATABLE READ,
                for a read whose queries depend on each other.
        """
        with self._engine.connect() as conn:
            if snapshot and self.dialect == "postgresql":
                conn.execution_options(isolation_level="REPEATABLE READ")
            with conn.begin():
                yield conn

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """A transaction for writing, committed at the end unless an exception escapes.

        On SQLite it holds the database's write lock from its first statement, so its reads
        and writes form one serialised unit; keep it short. On PostgreSQL it is an ordinary
        READ COMMITTED transaction, which other writers run beside: a store that reads then
        writes locks what it reads (``dialects.lock_key``, an upsert, ``FOR UPDATE``).
        """
        with self._engine.connect() as conn:
            conn.execution_options(**{dialects.WRITE_OPTION: True})
            with conn.begin():
                yield conn

    def write_cursor(self) -> AbstractContextManager[Any]:
        """A DB-API cursor in a write transaction, for prepared statements on the hot path
        (``prepared.Writer``): committed at the end unless an exception escapes."""
        return self._writer.cursor()

    def close(self) -> None:
        """Close every pooled connection."""
        self._writer.release()
        self._engine.dispose()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Database({self._engine.url.render_as_string(hide_password=True)!r})"

    def _migrate(self, history: Sequence[Migration]) -> tuple[int, ...]:
        latest = check_sequence(history)
        try:
            # The common case, an up-to-date database, needs no write lock.
            with self.read() as conn:
                if current_version(conn) == latest:
                    return ()
            with self.write() as conn:
                dialects.lock_for_migrations(conn)
                return tuple(apply_missing(conn, history))
        except StorageError:
            raise
        except Exception as err:
            # Also covers a database that cannot be opened at all (missing directory, refused
            # connection): the first statement that needs a connection runs here. The driver's
            # own message says what went wrong, without SQLAlchemy's statement and link.
            cause = err.orig if isinstance(err, DBAPIError) else err
            reason = " ".join(str(cause).split())
            raise StorageError(f"opening {self!r} failed: {reason}") from err


def _masked(url: str | URL) -> str:
    """A URL as it may appear in a message: without its password, even when it does not parse."""
    if isinstance(url, URL):
        return url.render_as_string(hide_password=True)
    return re.sub(r"(://[^:/@]*:)[^@/]*@", r"\1***@", url)
