"""Statements compiled once to the driver's own SQL and run on a DB-API cursor: the executor's
hot path (a save per engine step) skips SQLAlchemy's per-execution work, which cost several
times the database's own."""

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
    """A DB-API cursor in a write transaction, committed at the end unless an exception
    escapes; on SQLite the transaction holds the write lock from the start, as
    ``Database.write`` does."""
    connection = engine.raw_connection()
    try:
        cursor = connection.cursor()
        if engine.dialect.name == "sqlite":
            cursor.execute("BEGIN IMMEDIATE")
        try:
            yield cursor
        except BaseException:
            connection.rollback()
            raise
        connection.commit()
    finally:
        connection.close()
