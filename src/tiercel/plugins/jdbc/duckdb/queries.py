"""``io.kestra.plugin.jdbc.duckdb.Queries``: several statements on DuckDB."""

from typing import ClassVar

from tiercel.plugins.jdbc.connection import Dialect
from tiercel.plugins.jdbc.duckdb.dialect import DIALECT, DuckDbDatabase
from tiercel.plugins.jdbc.queries import JdbcQueries
from tiercel.sdk import plugin


@plugin("io.kestra.plugin.jdbc.duckdb.Queries")
class Queries(DuckDbDatabase, JdbcQueries):
    """Run several SQL statements with DuckDB, in process, in one transaction."""

    dialect: ClassVar[Dialect] = DIALECT
