"""``io.kestra.plugin.jdbc.postgresql.Queries``: several statements on PostgreSQL."""

from typing import ClassVar

from tiercel.plugins.jdbc.connection import Dialect
from tiercel.plugins.jdbc.postgresql.dialect import DIALECT, PostgresConnection
from tiercel.plugins.jdbc.queries import JdbcQueries
from tiercel.sdk import plugin


@plugin("io.kestra.plugin.jdbc.postgresql.Queries")
class Queries(PostgresConnection, JdbcQueries):
    """Run several SQL statements on PostgreSQL, in one transaction by default."""

    dialect: ClassVar[Dialect] = DIALECT
