"""MySQL and MariaDB through PyMySQL: Kestra's ``jdbc:mysql://`` (or ``jdbc:mariadb://``)
URL as connection arguments; an unbuffered cursor streams stored results."""

from datetime import UTC, datetime
from types import ModuleType
from typing import Any

from tiercel.plugins.jdbc.connection import Dialect, Settings
from tiercel.plugins.jdbc.values import Adapter

_TIMESTAMP = 7  # MySQL's FIELD_TYPE.TIMESTAMP: an instant, read in the session's UTC


def _utc(value: Any) -> Any:
    return value.replace(tzinfo=UTC) if isinstance(value, datetime) else value


class MySqlDialect(Dialect):
    """PyMySQL, imported when a task runs."""

    label = "MySQL"
    schemes = ("mysql", "mariadb")
    driver_module = "pymysql"
    driver_label = "The MySQL driver (PyMySQL)"
    extra = "jdbc-mysql"
    placeholder = "%s"

    def errors(self, driver: ModuleType) -> tuple[type[BaseException], ...]:
        """PyMySQL's errors."""
        return (driver.MySQLError,)

    def message(self, error: BaseException) -> str:
        """``code message``, as the mysql client shows them."""
        if len(error.args) == 2 and isinstance(error.args[0], int):
            return f"{error.args[0]} {error.args[1]}"
        return str(error)

    def connect(self, driver: ModuleType, settings: Settings) -> Any:
        """A connection in a transaction whose session time zone is UTC, so that TIMESTAMP
        columns are read as instants."""
        url = settings.url
        arguments: dict[str, Any] = {
            "host": url.host or "localhost",
            "port": url.port or 3306,
            "user": settings.username,
            "password": settings.password or "",
            "database": url.database,
            "charset": url.params.get("characterEncoding", "utf8mb4").lower().replace("-", ""),
            "autocommit": False,
            "connect_timeout": int(url.params.get("connectTimeout", 30_000)) // 1000 or 30,
            "init_command": "SET time_zone = '+00:00'",
        }
        if url.params.get("allowLoadLocalInfile", "").lower() == "true":
            arguments["local_infile"] = True
        if url.params.get("useSSL", url.params.get("sslMode", "")).lower() in ("true", "required"):
            arguments["ssl"] = {}
        return driver.connect(**arguments)

    def cursor(self, connection: Any, sql: str, stream: bool, fetch_size: int) -> Any:
        """An unbuffered cursor for a stored result, so rows are read as they are written."""
        if stream:
            return connection.cursor(self.driver().cursors.SSCursor)
        return connection.cursor()

    def adapters(self, cursor: Any) -> list[Adapter | None]:
        """TIMESTAMP columns become instants (UTC), as Kestra reads them; DATETIME stays
        local."""
        return [_utc if column[1] == _TIMESTAMP else None for column in cursor.description]


DIALECT = MySqlDialect()
