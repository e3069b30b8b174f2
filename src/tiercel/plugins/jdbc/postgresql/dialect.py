"""PostgreSQL through psycopg 3: Kestra's ``jdbc:postgresql://`` URL and SSL properties as
libpq connection parameters; a server-side cursor streams stored results."""

import re
from pathlib import Path
from types import ModuleType
from typing import Any

from pydantic import Field

from tiercel.plugins.jdbc.connection import Dialect, Host, JdbcConnection, Settings, local_zone_name
from tiercel.plugins.jdbc.postgresql import copy_store
from tiercel.sdk import Property, TaskFailure, Text, ion

# JDBC driver parameters with a libpq equivalent; the others are the Java driver's own.
_LIBPQ = {
    "sslmode": "sslmode",
    "sslrootcert": "sslrootcert",
    "sslcert": "sslcert",
    "sslkey": "sslkey",
    "sslpassword": "sslpassword",
    "applicationname": "application_name",
    "application_name": "application_name",
    "connecttimeout": "connect_timeout",
    "logintimeout": "connect_timeout",
    "options": "options",
    "targetservertype": "target_session_attrs",
}
_QUERY = re.compile(r"^\s*(?:\(\s*)*(?:select|with|values|table)\b", re.IGNORECASE)
_SSL_MODES = ("DISABLE", "ALLOW", "PREFER", "REQUIRE", "VERIFY_CA", "VERIFY_FULL")


class PostgresDialect(Dialect):
    """psycopg 3, imported when a task runs."""

    label = "PostgreSQL"
    schemes = ("postgresql",)
    driver_module = "psycopg"
    driver_label = "The PostgreSQL driver (psycopg)"
    extra = "jdbc-postgresql"
    placeholder = "%s"

    def connect(self, driver: ModuleType, settings: Settings) -> Any:
        """A psycopg connection in a transaction."""
        return driver.connect(**conninfo(settings))

    def message(self, error: BaseException) -> str:
        """The server's primary message (and its detail), without the SQL excerpt."""
        diag = getattr(error, "diag", None)
        primary = getattr(diag, "message_primary", None)
        if not primary:
            return str(error)
        detail = getattr(diag, "message_detail", None)
        return f"{primary} ({detail})" if detail else str(primary)

    def store_rows(
        self, connection: Any, sql: str, values: Any, settings: Settings, path: Path
    ) -> int | None:
        """A query's rows copied out and written as Ion a column at a time (``copy_store``)."""
        if not _QUERY.match(sql):
            return None
        zone = settings.zone_id or local_zone_name()
        return copy_store.store(connection, sql, values, zone, path)

    def cursor(self, connection: Any, sql: str, stream: bool, fetch_size: int) -> Any:
        """A server-side cursor for a stored query, so rows come ``fetch_size`` at a time."""
        if stream and _QUERY.match(sql):
            return connection.cursor(name="tiercel_store", withhold=False)
        return connection.cursor()

    def bind(self, driver: ModuleType, value: Any) -> Any:
        """Maps (and lists of maps) go to JSON columns as ``jsonb``."""
        if isinstance(value, ion.Timestamp):
            return str.__str__(value)
        if isinstance(value, dict) or (
            isinstance(value, list) and any(isinstance(item, dict) for item in value)
        ):
            return driver.types.json.Jsonb(value)
        return value

    def column_names(self, cursor: Any) -> list[str]:
        """The columns' labels."""
        return [column.name for column in cursor.description]


def conninfo(settings: Settings) -> dict[str, Any]:
    """libpq's connection parameters for a Kestra PostgreSQL URL and options."""
    url = settings.url
    if url.host is None and url.path:
        # jdbc:postgresql:database (the local server)
        params: dict[str, Any] = {"dbname": url.path}
    else:
        params = {"host": url.host or "localhost", "port": url.port or 5432}
        if url.database:
            params["dbname"] = url.database
    for key, value in url.params.items():
        name = _LIBPQ.get(key.lower())
        if name:
            params[name] = value
        elif key.lower() == "ssl" and value.lower() == "true":
            params.setdefault("sslmode", "require")
        elif key.lower() == "currentschema":
            params["options"] = f"-c search_path={value}"
    params.setdefault("connect_timeout", 30)
    if settings.username:
        params["user"] = settings.username
    if settings.password:
        params["password"] = settings.password
    params.update(settings.options)
    return params


class PostgresConnection(JdbcConnection):
    """PostgreSQL's SSL properties, on top of the shared connection ones."""

    ssl: Property[bool] | None = Field(default=None, description="Is the connection SSL?")
    ssl_mode: Text | None = Field(
        default=None, description="The SSL mode: " + ", ".join(_SSL_MODES) + "."
    )
    ssl_root_cert: Text | None = Field(
        default=None, description="The SSL root cert; must be a PEM encoded certificate."
    )
    ssl_cert: Text | None = Field(
        default=None, description="The SSL cert; must be a PEM encoded certificate."
    )
    ssl_key: Text | None = Field(default=None, description="The SSL key; must be a PEM key.")
    ssl_key_password: Text | None = Field(default=None, description="The SSL key password.")

    def connection_options(self, host: Host) -> dict[str, Any]:
        """``sslmode`` and the PEM files, written in the host's directory."""
        options: dict[str, Any] = {}
        if self.ssl is not None and str(host.render(self.ssl)).lower() == "true":
            options["sslmode"] = "require"
        if self.ssl_mode is not None:
            mode = str(host.render(self.ssl_mode)).upper()
            if mode not in _SSL_MODES:
                raise TaskFailure(f"`sslMode` must be one of {', '.join(_SSL_MODES)}")
            options["sslmode"] = mode.lower().replace("_", "-")
        for name, value in (
            ("sslrootcert", self.ssl_root_cert),
            ("sslcert", self.ssl_cert),
            ("sslkey", self.ssl_key),
        ):
            if value is not None:
                path = Path(host.temp_dir()) / f"{name}.pem"
                path.write_text(str(host.render(value)))
                path.chmod(0o600)
                options[name] = str(path)
        if self.ssl_key_password is not None:
            options["sslpassword"] = str(host.render(self.ssl_key_password))
        return options


DIALECT = PostgresDialect()
