"""A short PostgreSQL transaction in one round trip: its statements, its ``COMMIT`` and the
pipeline's sync go to the server together, and the rows come back after the commit.

For the small transactions a busy server runs dozens of a second (a worker's claim and answer,
the executor's inbox read, a webhook's trigger lookup), where each round trip costs both
processes a wake-up: ``BEGIN``, each statement and ``COMMIT`` took one each through
SQLAlchemy, and a pipeline that waits for a result before committing takes two.
"""

from collections.abc import Mapping, Sequence
from contextlib import suppress
from typing import Any

from sqlalchemy import Engine

from tiercel.storage.sql.prepared import Prepared


def in_one_trip(
    engine: Engine,
    statements: Sequence[tuple[Prepared | str, Mapping[str, object]]],
    *,
    rows_of: int | None = None,
) -> list[tuple[Any, ...]]:
    """Run ``statements`` in one transaction on a pooled PostgreSQL connection and commit it;
    the rows of the statement at index ``rows_of`` (none when None).

    Nothing is committed when a statement fails: the error is raised once the transaction
    is rolled back.
    """
    connection = engine.raw_connection()
    try:
        driver: Any = connection.driver_connection
        try:
            with driver.pipeline():
                cursors = []
                for statement, values in statements:
                    cursor = driver.cursor()
                    if isinstance(statement, Prepared):
                        cursor.execute(statement.sql, statement.params(values))
                    else:
                        cursor.execute(statement, values or None)
                    cursors.append(cursor)
                driver.commit()  # queues COMMIT, then syncs: every result is in
                if rows_of is None:
                    return []
                return [tuple(row) for row in cursors[rows_of].fetchall()]
        except BaseException:
            # A connection that cannot even roll back is replaced by the pool at check-in.
            with suppress(Exception):
                driver.rollback()
            raise
    finally:
        connection.close()  # back to the pool
