"""``io.kestra.plugin.jdbc.postgresql.CopyOut``: export a table or a query with
``COPY ... TO STDOUT`` into a stored file."""

import os
import tempfile
from pathlib import Path
from typing import Any, ClassVar

from pydantic import Field

from tiercel.plugins.jdbc.connection import Dialect, TaskHost, connected
from tiercel.plugins.jdbc.postgresql.copy import CopyOptions
from tiercel.plugins.jdbc.postgresql.dialect import DIALECT
from tiercel.sdk import LogLevel, RunContext, RunnableTask, Text, plugin


@plugin("io.kestra.plugin.jdbc.postgresql.CopyOut")
class CopyOut(CopyOptions, RunnableTask):
    """Copy a PostgreSQL table or query result into a file in internal storage (COPY TO)."""

    dialect: ClassVar[Dialect] = DIALECT

    sql: Text | None = Field(
        default=None, description="A query whose result is copied, instead of `table`."
    )

    def run(self, ctx: RunContext) -> dict[str, Any]:
        """``uri``: the file written; ``rowCount``: the rows copied.

        Raises:
            TaskFailure: The server's error on one line.
        """
        host = TaskHost(ctx)
        settings = self.settings(host, self.dialect)
        query = str(host.render(self.sql)) if self.sql is not None else None
        sql = self.copy_sql(host, query, "TO STDOUT")
        host.log(LogLevel.DEBUG, f"Starting query: {sql}")
        handle, name = tempfile.mkstemp(dir=ctx.working_dir(), suffix=".copy-out")
        os.close(handle)
        path = Path(name)
        try:
            with (
                connected(self.dialect, settings, ctx.killed) as connection,
                connection.cursor() as cursor,
            ):
                with path.open("wb") as out, cursor.copy(sql) as copy:
                    for block in copy:
                        out.write(block)
                rows = cursor.rowcount
                connection.commit()
            uri = host.store(path)
        finally:
            path.unlink(missing_ok=True)
        ctx.metric("rows", rows)
        return {"uri": uri, "rowCount": rows}
