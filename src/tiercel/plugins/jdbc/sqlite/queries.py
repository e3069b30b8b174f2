"""``io.kestra.plugin.jdbc.sqlite.Queries``: several statements on SQLite."""

from typing import ClassVar

from tiercel.plugins.jdbc.connection import Dialect
from tiercel.plugins.jdbc.queries import JdbcQueries
from tiercel.plugins.jdbc.sqlite.dialect import DIALECT, SqliteDatabase
from tiercel.sdk import plugin


@plugin("io.kestra.plugin.jdbc.sqlite.Queries")
class Queries(SqliteDatabase, JdbcQueries):
    """Run several SQL statements on an SQLite database file, in one transaction."""

    dialect: ClassVar[Dialect] = DIALECT
