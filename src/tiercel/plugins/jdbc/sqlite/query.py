"""``io.kestra.plugin.jdbc.sqlite.Query``: run one SQL statement on SQLite."""

from typing import ClassVar

from tiercel.plugins.jdbc.connection import Dialect
from tiercel.plugins.jdbc.query import JdbcQuery
from tiercel.plugins.jdbc.sqlite.dialect import DIALECT, SqliteDatabase
from tiercel.sdk import plugin


@plugin("io.kestra.plugin.jdbc.sqlite.Query")
class Query(SqliteDatabase, JdbcQuery):
    """Run one SQL statement on an SQLite database file; fetch or store its rows."""

    dialect: ClassVar[Dialect] = DIALECT
