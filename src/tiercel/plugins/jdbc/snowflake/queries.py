"""``io.kestra.plugin.jdbc.snowflake.Queries``: several statements on Snowflake."""

from typing import ClassVar

from tiercel.plugins.jdbc.connection import Dialect
from tiercel.plugins.jdbc.queries import JdbcQueries
from tiercel.plugins.jdbc.snowflake.dialect import DIALECT, SnowflakeConnection
from tiercel.sdk import plugin


@plugin("io.kestra.plugin.jdbc.snowflake.Queries")
class Queries(SnowflakeConnection, JdbcQueries):
    """Run several SQL statements on Snowflake, in one transaction by default."""

    dialect: ClassVar[Dialect] = DIALECT
