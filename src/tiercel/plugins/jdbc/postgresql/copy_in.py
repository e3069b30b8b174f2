"""``io.kestra.plugin.jdbc.postgresql.CopyIn``: load a stored file with ``COPY ... FROM STDIN``."""

from typing import Any, ClassVar

from pydantic import Field

from tiercel.plugins.jdbc.connection import Dialect, TaskHost, connected
from tiercel.plugins.jdbc.postgresql.copy import CopyOptions
from tiercel.plugins.jdbc.postgresql.dialect import DIALECT
from tiercel.sdk import LogLevel, RunContext, RunnableTask, Text, plugin

_BLOCK = 1 << 20


@plugin("io.kestra.plugin.jdbc.postgresql.CopyIn")
class CopyIn(CopyOptions, RunnableTask):
    """Copy a file from internal storage into a PostgreSQL table (COPY FROM STDIN)."""

    dialect: ClassVar[Dialect] = DIALECT

    from_: Text = Field(alias="from", description="The `kestra://` URI of the file to load.")

    def run(self, ctx: RunContext) -> dict[str, Any]:
        """``rowCount``: the rows copied.

        Raises:
            TaskFailure: The server's error (a bad row, a missing table) on one line.
        """
        host = TaskHost(ctx)
        settings = self.settings(host, self.dialect)
        sql = self.copy_sql(host, None, "FROM STDIN")
        uri = str(host.render(self.from_))
        host.log(LogLevel.DEBUG, f"Starting query: {sql}")
        with (
            connected(self.dialect, settings, ctx.killed) as connection,
            connection.cursor() as cursor,
        ):
            with ctx.files.open(uri) as data, cursor.copy(sql) as copy:
                while block := data.read(_BLOCK):
                    copy.write(block)
            rows = cursor.rowcount
            connection.commit()
        ctx.metric("rows", rows)
        return {"rowCount": rows}
