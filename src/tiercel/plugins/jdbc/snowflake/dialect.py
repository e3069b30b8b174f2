"""Snowflake through snowflake-connector-python: Kestra's ``jdbc:snowflake://`` URL and
``warehouse``, ``database``, ``schema``, ``role``, key-pair properties as connect arguments."""

import re
from types import ModuleType
from typing import Any

from pydantic import Field

from tiercel.plugins.jdbc.connection import Dialect, Host, JdbcConnection, Settings
from tiercel.sdk import TaskFailure, Text

_DOMAIN = ".snowflakecomputing.com"
_QUERY = re.compile(
    r"^\s*(?:\(\s*)*(?:select|with|show|describe|desc|list|ls|values|table|call)\b",
    re.IGNORECASE,
)
# The JDBC driver's URL parameters and the Python connector's names for them.
_PARAMS = {
    "db": "database",
    "database": "database",
    "schema": "schema",
    "warehouse": "warehouse",
    "role": "role",
    "authenticator": "authenticator",
    "application": "application",
}


class SnowflakeDialect(Dialect):
    """The Snowflake connector, imported when a task runs."""

    label = "Snowflake"
    schemes = ("snowflake",)
    driver_module = "snowflake.connector"
    driver_label = "The Snowflake driver (snowflake-connector-python)"
    extra = "jdbc-snowflake"
    placeholder = "%s"

    def connect(self, driver: ModuleType, settings: Settings) -> Any:
        """A connection with autocommit off."""
        return driver.connect(**connect_arguments(settings), autocommit=False)

    def returns_rows(self, cursor: Any, sql: str) -> bool:
        """Only queries: the connector also gives DDL and DML a one-row status result,
        which Snowflake's JDBC driver reports as an update count instead."""
        return cursor.description is not None and bool(_QUERY.match(sql))

    def message(self, error: BaseException) -> str:
        """The server's message without the connector's error-code prefix noise."""
        text = getattr(error, "raw_msg", None) or str(error)
        return str(text)


def connect_arguments(settings: Settings) -> dict[str, Any]:
    """The connector's arguments for a Kestra Snowflake URL and properties.

    ``account.snowflakecomputing.com`` gives the account; any other host (a proxy, a local
    emulator) is connected to as given, with the account from the ``account`` parameter and
    plain HTTP when the URL says ``ssl=off``.
    """
    url = settings.url
    if url.host is None:
        raise TaskFailure("A Snowflake URL is jdbc:snowflake://<account>.snowflakecomputing.com/")
    arguments: dict[str, Any] = {"login_timeout": 60, "network_timeout": 300}
    if url.host.endswith(_DOMAIN):
        arguments["account"] = url.host[: -len(_DOMAIN)]
    else:
        arguments["account"] = url.params.get("account") or url.host.split(".")[0]
        arguments["host"] = url.host
        if url.port:
            arguments["port"] = url.port
    if url.params.get("ssl", "on").lower() in ("off", "false"):
        arguments["protocol"] = "http"
    for key, value in url.params.items():
        name = _PARAMS.get(key.lower())
        if name:
            arguments[name] = value
    if settings.username:
        arguments["user"] = settings.username
    if settings.password:
        arguments["password"] = settings.password
    for key, value in settings.options.items():
        if value is not None:
            arguments[key] = value
    return arguments


class SnowflakeConnection(JdbcConnection):
    """Snowflake's connection properties."""

    warehouse: Text | None = Field(default=None, description="The warehouse to use.")
    database: Text | None = Field(default=None, description="The database to use.")
    schema_: Text | None = Field(default=None, alias="schema", description="The schema to use.")
    role: Text | None = Field(default=None, description="The role to use.")
    private_key: Text | None = Field(
        default=None, description="A PEM private key, for key-pair authentication."
    )
    private_key_password: Text | None = Field(
        default=None, description="The password of an encrypted `privateKey`."
    )
    query_tag: Text | None = Field(default=None, description="A tag set on every query.")

    def connection_options(self, host: Host) -> dict[str, Any]:
        """The rendered properties, and the private key as the connector takes it."""
        options: dict[str, Any] = {}
        for name, value in (
            ("warehouse", self.warehouse),
            ("database", self.database),
            ("schema", self.schema_),
            ("role", self.role),
        ):
            if value is not None:
                options[name] = str(host.render(value))
        if self.query_tag is not None:
            options["session_parameters"] = {"QUERY_TAG": str(host.render(self.query_tag))}
        if self.private_key is not None:
            password = (
                str(host.render(self.private_key_password))
                if self.private_key_password is not None
                else None
            )
            options["private_key"] = _der_key(str(host.render(self.private_key)), password)
        return options


def _der_key(pem: str, password: str | None) -> bytes:
    """A PEM private key as the DER bytes the connector takes."""
    try:
        from cryptography.hazmat.primitives import serialization
    except ImportError:
        raise TaskFailure(
            "key-pair authentication needs the Snowflake driver: "
            "pip install 'tiercel[jdbc-snowflake]'"
        ) from None
    try:
        key = serialization.load_pem_private_key(
            pem.encode(), password.encode() if password else None
        )
    except (ValueError, TypeError) as exc:
        raise TaskFailure(f"Unable to read the private key: {exc}") from None
    return key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


DIALECT = SnowflakeDialect()
