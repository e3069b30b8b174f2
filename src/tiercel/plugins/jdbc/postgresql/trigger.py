"""``io.kestra.plugin.jdbc.postgresql.Trigger``: poll a PostgreSQL query."""

from typing import ClassVar

from tiercel.plugins.jdbc.connection import Dialect
from tiercel.plugins.jdbc.postgresql.dialect import DIALECT, PostgresConnection
from tiercel.plugins.jdbc.trigger import JdbcTrigger
from tiercel.sdk import plugin


@plugin("io.kestra.plugin.jdbc.postgresql.Trigger")
class Trigger(PostgresConnection, JdbcTrigger):
    """Poll a PostgreSQL query; start an execution with its rows when it returns some."""

    dialect: ClassVar[Dialect] = DIALECT
