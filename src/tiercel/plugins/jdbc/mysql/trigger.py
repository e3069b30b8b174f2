"""``io.kestra.plugin.jdbc.mysql.Trigger``: poll a MySQL or MariaDB query."""

from typing import ClassVar

from tiercel.plugins.jdbc.connection import Dialect
from tiercel.plugins.jdbc.mysql.dialect import DIALECT
from tiercel.plugins.jdbc.trigger import JdbcTrigger
from tiercel.sdk import plugin


@plugin("io.kestra.plugin.jdbc.mysql.Trigger")
class Trigger(JdbcTrigger):
    """Poll a MySQL or MariaDB query; start an execution with its rows when it has some."""

    dialect: ClassVar[Dialect] = DIALECT
