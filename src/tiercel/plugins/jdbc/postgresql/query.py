"""``io.kestra.plugin.jdbc.postgresql.Query``: run one SQL statement on PostgreSQL."""

from typing import ClassVar

from tiercel.plugins.jdbc.connection import Dialect
from tiercel.plugins.jdbc.postgresql.dialect import DIALECT, PostgresConnection
from tiercel.plugins.jdbc.query import JdbcQuery
from tiercel.sdk import plugin


@plugin(
    "io.kestra.plugin.jdbc.postgresql.Query",
    aliases=["io.kestra.plugin.jdbc.postgres.Query"],
)
class Query(PostgresConnection, JdbcQuery):
    """Run one SQL statement on PostgreSQL; fetch its rows or store them in an Ion file."""

    dialect: ClassVar[Dialect] = DIALECT
