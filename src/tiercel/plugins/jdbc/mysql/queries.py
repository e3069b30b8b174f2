"""``io.kestra.plugin.jdbc.mysql.Queries``: several statements on MySQL or MariaDB."""

from typing import ClassVar

from tiercel.plugins.jdbc.connection import Dialect
from tiercel.plugins.jdbc.mysql.dialect import DIALECT
from tiercel.plugins.jdbc.queries import JdbcQueries
from tiercel.sdk import plugin


@plugin("io.kestra.plugin.jdbc.mysql.Queries")
class Queries(JdbcQueries):
    """Run several SQL statements on MySQL or MariaDB, in one transaction by default."""

    dialect: ClassVar[Dialect] = DIALECT
