"""``io.kestra.plugin.jdbc.snowflake.Query``: run one SQL statement on Snowflake."""

from typing import ClassVar

from tiercel.plugins.jdbc.connection import Dialect
from tiercel.plugins.jdbc.query import JdbcQuery
from tiercel.plugins.jdbc.snowflake.dialect import DIALECT, SnowflakeConnection
from tiercel.sdk import plugin


@plugin("io.kestra.plugin.jdbc.snowflake.Query")
class Query(SnowflakeConnection, JdbcQuery):
    """Run one SQL statement on Snowflake; fetch its rows or store them in an Ion file."""

    dialect: ClassVar[Dialect] = DIALECT
