"""``io.kestra.plugin.jdbc.duckdb.Query``: run one SQL statement on DuckDB."""

from typing import ClassVar

from tiercel.plugins.jdbc.connection import Dialect
from tiercel.plugins.jdbc.duckdb.dialect import DIALECT, DuckDbDatabase
from tiercel.plugins.jdbc.query import JdbcQuery
from tiercel.sdk import plugin


@plugin("io.kestra.plugin.jdbc.duckdb.Query")
class Query(DuckDbDatabase, JdbcQuery):
    """Query files or a database file with DuckDB, in process; fetch or store the rows."""

    dialect: ClassVar[Dialect] = DIALECT
