"""``io.kestra.plugin.jdbc.mysql.Query``: run one SQL statement on MySQL or MariaDB."""

from typing import ClassVar

from tiercel.plugins.jdbc.connection import Dialect
from tiercel.plugins.jdbc.mysql.dialect import DIALECT
from tiercel.plugins.jdbc.query import JdbcQuery
from tiercel.sdk import plugin


@plugin("io.kestra.plugin.jdbc.mysql.Query")
class Query(JdbcQuery):
    """Run one SQL statement on MySQL or MariaDB; fetch its rows or store them."""

    dialect: ClassVar[Dialect] = DIALECT
