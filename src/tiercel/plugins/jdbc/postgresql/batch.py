"""``io.kestra.plugin.jdbc.postgresql.Batch``: insert an Ion file's rows into PostgreSQL."""

from typing import ClassVar

from tiercel.plugins.jdbc.batch import JdbcBatch
from tiercel.plugins.jdbc.connection import Dialect
from tiercel.plugins.jdbc.postgresql.dialect import DIALECT, PostgresConnection
from tiercel.sdk import plugin


@plugin("io.kestra.plugin.jdbc.postgresql.Batch")
class Batch(PostgresConnection, JdbcBatch):
    """Insert the rows of an Ion file into a PostgreSQL table, in chunks."""

    dialect: ClassVar[Dialect] = DIALECT
