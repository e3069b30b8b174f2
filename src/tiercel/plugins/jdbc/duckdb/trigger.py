"""``io.kestra.plugin.jdbc.duckdb.Trigger``: poll a query on a DuckDB file."""

from typing import Any, ClassVar

from pydantic import Field

from tiercel.plugins.jdbc.connection import Dialect, Host
from tiercel.plugins.jdbc.duckdb.dialect import DIALECT
from tiercel.plugins.jdbc.embedded import local_database
from tiercel.plugins.jdbc.trigger import JdbcTrigger
from tiercel.plugins.jdbc.url import parse
from tiercel.sdk import TaskFailure, Text, plugin


@plugin("io.kestra.plugin.jdbc.duckdb.Trigger")
class Trigger(JdbcTrigger):
    """Poll a query on a DuckDB database file; start an execution when it returns rows."""

    dialect: ClassVar[Dialect] = DIALECT

    url: Text = Field(description="`jdbc:duckdb:<absolute path of the database file>`.")

    def connection_options(self, host: Host) -> dict[str, Any]:
        """The database file, which must be an absolute path for a trigger."""
        path = parse(str(host.render(self.url)), DIALECT.schemes).path
        if path != ":memory:" and not path.startswith("/"):
            raise TaskFailure("A DuckDB trigger needs the absolute path of the database file")
        return {"database": local_database(host, path, "database.duckdb")}
