"""``io.kestra.plugin.jdbc.snowflake.Trigger``: poll a Snowflake query."""

from typing import ClassVar

from tiercel.plugins.jdbc.connection import Dialect
from tiercel.plugins.jdbc.snowflake.dialect import DIALECT, SnowflakeConnection
from tiercel.plugins.jdbc.trigger import JdbcTrigger
from tiercel.sdk import plugin


@plugin("io.kestra.plugin.jdbc.snowflake.Trigger")
class Trigger(SnowflakeConnection, JdbcTrigger):
    """Poll a Snowflake query; start an execution with its rows when it returns some."""

    dialect: ClassVar[Dialect] = DIALECT
