"""Statements compiled once to the driver's own SQL and run on a DB-API cursor: the executor's
hot path (a save per engine step) skips SQLAlchemy's per-execution work, which cost several
times the database's own."""

import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.sql import ClauseElement


class Prepared:
    """One statement in the driver's SQL and parameter style.

    Values go to the driver as given: no SQLAlchemy type's conversion applies, so the caller
    converts them (datetimes to microseconds, NUL-free text) as the columns' types would.

    Args:
        engine: The engine whose dialect the SQL is written for.
        statement: The statement, its parameters named.
        columns: For an INSERT, the columns given (the others take their defaults).
    """

    def __init__(
        self, engine: Engine, statement: ClauseElement, columns: Sequence[str] = ()
    ) -> None:
        compiled = statement.compile(dialect=engine.dialect, column_keys=list(columns) or None)
        self.sql = str(compiled)
        order = getattr(compiled, "positiontup", None)  # the SQL compiler's, for "?" styles
        self._order: tuple[str, ...] | None = tuple(order) if order else None

    def params(self, values: Mapping[str, object]) -> Any:
        """``values`` as the driver takes them: a tuple in order, or the mapping itself."""
        if self._order is None:
            return values
        return tuple(values[name] for name in self._order)

    def run(self, cursor: Any, rows: Sequence[Mapping[str, object]]) -> None:
        """Execute once per row (nothing for no row)."""
        if len(rows) == 1:
            cursor.execute(self.sql, self.params(rows[0]))
        elif rows:
            cursor.executemany(self.sql, [self.params(row) for row in rows])

    def rows(self, cursor: Any, values: Mapping[str, object]) -> list[tuple[Any, ...]]:
        """Execute a query; its rows."""
        cursor.execute(self.sql, self.params(values))
        return [tuple(row) for row in cursor.fetchall()]


@contextmanager
def write_cursor(engine: Engine) -> Iterator[Any]:
    """A DB-API cursor in a write transaction on a pooled connection, committed at the end
    unless an exception escapes; on SQLite the transaction holds the write lock from the
    start, as ``Database.write`` does."""
    connection = engine.raw_connection()
    try:
        with _transaction(engine, connection) as cursor:
            yield cursor
    finally:
        connection.close()


class Writer:
    """Write transactions on DB-API cursors for the hot path (a save per engine step).

    On SQLite one connection stays checked out for them between transactions: taking one from
    SQLAlchemy's pool and giving it back cost more than a small transaction itself. One thread
    at a time uses it (the executor's, in practice); a thread that finds it busy takes a pooled
    connection as before. A transaction that fails gives its connection back to the pool, which
    resets or replaces it. On PostgreSQL every transaction takes a pooled connection, which the
    pool checks before lending once it has sat idle (``dialects``), so that one a server restart
    closed is replaced.
    """

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._keep = engine.dialect.name == "sqlite"
        self._lock = threading.Lock()
        self._held: tuple[Any, Any] | None = None
        """The kept connection and a cursor of it, reused by each transaction."""

    @contextmanager
    def cursor(self) -> Iterator[Any]:
        """A cursor in a write transaction, committed at the end unless an exception escapes."""
        if not self._keep or not self._lock.acquire(blocking=False):
            with write_cursor(self._engine) as cursor:
                yield cursor
            return
        try:
            held, self._held = self._held, None
            if held is None:
                connection = self._engine.raw_connection()
                held = (connection, connection.cursor())
            connection, cursor = held
            # ``_transaction``'s SQLite case written out: one generator less on every save.
            try:
                cursor.execute("BEGIN IMMEDIATE")
                try:
                    yield cursor
                except BaseException:
                    connection.rollback()
                    raise
                connection.commit()
            except BaseException:
                connection.close()
                raise
            self._held = held
        finally:
            self._lock.release()

    def release(self) -> None:
        """Give the kept connection back to the pool, unless a transaction is using it."""
        if self._lock.acquire(blocking=False):
            try:
                if self._held is not None:
                    self._held[0].close()
                    self._held = None
            finally:
                self._lock.release()


@contextmanager
def _transaction(engine: Engine, connection: Any) -> Iterator[Any]:
    cursor = connection.cursor()
    if engine.dialect.name == "sqlite":
        cursor.execute("BEGIN IMMEDIATE")
    try:
        if engine.dialect.name == "postgresql":
            # In psycopg's pipeline mode the statements go out without waiting for each
            # other's answers: a step's transaction costs one round trip, not one a statement.
            # A query that returns rows (a rare labels lookup) waits for its own answer.
            with connection.driver_connection.pipeline():
                yield cursor
                connection.commit()
            return
        yield cursor
    except BaseException:
        connection.rollback()
        raise
    connection.commit()
