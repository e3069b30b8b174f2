"""Kestra's JDBC ``Batch``, shared by every database: insert the rows of an Ion file with a
prepared statement, ``chunk`` rows per round trip."""

import io
from collections.abc import Iterator
from datetime import timedelta
from typing import Any, ClassVar

from pydantic import Field

from tiercel.plugins.jdbc import statements
from tiercel.plugins.jdbc.connection import Dialect, Host, JdbcConnection, TaskHost, connected
from tiercel.sdk import LogLevel, Property, RunContext, RunnableTask, TaskFailure, Text, ion


class JdbcBatch(JdbcConnection, RunnableTask):
    """Insert the rows of an Ion file into a table, with a prepared statement, in chunks."""

    dialect: ClassVar[Dialect]

    from_: Text = Field(alias="from", description="The `kestra://` URI of an Ion file of rows.")
    sql: Text | None = Field(
        default=None,
        description="The INSERT with one `?` per bound column; generated from `table` and "
        "`columns` when absent.",
    )
    chunk: Property[int] = Field(default=1000, description="Rows sent per batch and commit.")
    columns: Property[list[str]] | None = Field(
        default=None,
        description="The row fields bound to the placeholders, in order; every field of the "
        "row when absent.",
    )
    table: Text | None = Field(
        default=None,
        description="The table whose columns are used when `columns` is empty; with no `sql`, "
        "an INSERT into it is generated.",
    )
    max_retries: Property[int] = Field(
        default=3, description="Accepted for Kestra compatibility; failures are not retried."
    )
    retry_backoff: Property[timedelta] = Field(
        default=timedelta(seconds=1), description="Accepted for Kestra compatibility."
    )

    def run(self, ctx: RunContext) -> dict[str, Any]:
        """``rowCount``: the rows read; ``updatedCount``: the rows the database inserted.

        Raises:
            TaskFailure: A row that is not an Ion struct, or the database's error on one line.
        """
        host = TaskHost(ctx)
        settings = self.settings(host, self.dialect)
        uri = str(host.render(self.from_))
        chunk = int(str(host.render(self.chunk)))
        columns = [str(c) for c in host.render(self.columns)] if self.columns else []
        table = str(host.render(self.table)) if self.table is not None else None
        sql = str(host.render(self.sql)) if self.sql is not None else None
        if table is not None and sql is not None:
            host.log(LogLevel.INFO, f"table '{table}' is ignored when sql is provided")
        row_count = updated = queries = 0
        with connected(self.dialect, settings, ctx.killed) as connection:
            if not columns and table is not None and sql is None:
                columns = self.dialect.table_columns(connection, table)
            if sql is None:
                if table is None or not columns:
                    raise TaskFailure("Batch needs `sql`, or a `table` (and its `columns`)")
                marks = ", ".join("?" for _ in columns)
                sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"
            host.log(LogLevel.DEBUG, f"Starting prepared statement: {sql}")
            text = statements.question_marks(sql, self.dialect.placeholder)
            driver = self.dialect.driver()
            cursor = connection.cursor()
            try:
                for rows in _chunks(_values(host, uri, columns), max(chunk, 1)):
                    bound = [[self.dialect.bind(driver, v) for v in row] for row in rows]
                    cursor.executemany(text, bound)
                    connection.commit()
                    queries += 1
                    row_count += len(rows)
                    count = cursor.rowcount
                    updated += count if isinstance(count, int) and count >= 0 else len(rows)
            finally:
                cursor.close()
        ctx.metric("records", row_count)
        ctx.metric("updated", updated)
        host.log(
            LogLevel.INFO,
            f"Successfully executed {queries} bulk queries and updated {updated} rows",
        )
        return {"rowCount": row_count, "updatedCount": updated}


def _values(host: Host, uri: str, columns: list[str]) -> Iterator[list[Any]]:
    with host.read(uri) as raw, io.TextIOWrapper(raw, encoding="utf-8") as text:
        for number, line in enumerate(text, start=1):
            if not line.strip():
                continue
            try:
                row = ion.loads(line)
            except ion.IonError as exc:
                raise TaskFailure(f"line {number} of {uri} is not Ion: {exc}") from None
            if not isinstance(row, dict):
                raise TaskFailure(f"line {number} of {uri} is not an Ion struct")
            yield [row.get(name) for name in columns] if columns else list(row.values())


def _chunks(values: Iterator[list[Any]], size: int) -> Iterator[list[list[Any]]]:
    batch: list[list[Any]] = []
    for row in values:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch
