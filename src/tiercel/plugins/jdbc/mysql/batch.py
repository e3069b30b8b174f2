"""``io.kestra.plugin.jdbc.mysql.Batch``: insert an Ion file's rows into MySQL or MariaDB."""

from typing import ClassVar

from tiercel.plugins.jdbc.batch import JdbcBatch
from tiercel.plugins.jdbc.connection import Dialect
from tiercel.plugins.jdbc.mysql.dialect import DIALECT
from tiercel.sdk import plugin


@plugin("io.kestra.plugin.jdbc.mysql.Batch")
class Batch(JdbcBatch):
    """Insert the rows of an Ion file into a MySQL or MariaDB table, in chunks."""

    dialect: ClassVar[Dialect] = DIALECT
