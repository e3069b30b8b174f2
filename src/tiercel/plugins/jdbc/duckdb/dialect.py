"""DuckDB in process: a database file in the working directory (or the URL's, or one copied
from ``databaseUri``), with ``inputFiles`` and ``outputFiles`` next to it."""

from types import ModuleType
from typing import Any

from pydantic import Field

from tiercel.plugins.jdbc.connection import Dialect, Host, Settings
from tiercel.plugins.jdbc.embedded import EmbeddedFiles, downloaded, local_database
from tiercel.plugins.jdbc.url import parse
from tiercel.sdk import Property, Text
from tiercel.sdk.properties import InputFiles


class _Cursor:
    """DuckDB's connection used as the cursor: its ``cursor()`` would open a second
    connection, outside the task's transaction."""

    def __init__(self, connection: Any) -> None:
        self.connection = connection

    def __getattr__(self, name: str) -> Any:
        return getattr(self.connection, name)

    def close(self) -> None:
        """The connection stays open for the next statement."""


class DuckDbDialect(Dialect):
    """The ``duckdb`` package, imported when a task runs."""

    label = "DuckDB"
    schemes = ("duckdb",)
    driver_module = "duckdb"
    driver_label = "The DuckDB driver (duckdb)"
    extra = "jdbc-duckdb"
    placeholder = "?"
    embedded = True

    def connect(self, driver: ModuleType, settings: Settings) -> Any:
        """A connection in a transaction, with the working directory as the search path."""
        database = settings.options.get("database") or ":memory:"
        # No TimeZone setting: it needs DuckDB's ICU extension, which may not be installed
        # (it is downloaded on first use); timestamps with a zone are converted in Python.
        connection = driver.connect(database)
        root = settings.options.get("root")
        if root:
            escaped = str(root).replace("'", "''")
            connection.execute(f"SET file_search_path = '{escaped}'")
        connection.begin()
        return connection

    def cursor(self, connection: Any, sql: str, stream: bool, fetch_size: int) -> Any:
        """The connection itself (see ``_Cursor``)."""
        return _Cursor(connection)

    def table_columns(self, connection: Any, table: str) -> list[str]:
        """The column names of a table."""
        cursor = _Cursor(connection)
        cursor.execute(f"SELECT * FROM {table} WHERE 1 = 0")
        names = self.column_names(cursor)
        cursor.fetchall()
        return names


DIALECT = DuckDbDialect()


class DuckDbDatabase(EmbeddedFiles):
    """DuckDB's database and file properties."""

    url: Text = Field(
        default="jdbc:duckdb:",
        description="`jdbc:duckdb:` for a new database file in the working directory, "
        "`jdbc:duckdb:<file>` for a file, `jdbc:duckdb::memory:` for memory only.",
    )
    input_files: InputFiles | None = Field(
        default=None,
        description="Files written in the working directory before the SQL runs (name to "
        "content or `kestra://` URI); the SQL reads them by name.",
    )
    database_uri: Text | None = Field(
        default=None, description="A `kestra://` URI of a DuckDB database file to query."
    )
    community_extensions: Property[list[str]] | None = Field(
        default=None,
        description="Accepted for Kestra compatibility; extensions are not downloaded "
        "(`LOAD` one already installed from the SQL).",
    )

    def database_path(self, host: Host) -> str:
        """``databaseUri``'s copy, or the URL's file (a new one by default)."""
        if self.database_uri is not None:
            return downloaded(host, str(host.render(self.database_uri)), ".duckdb")
        url = parse(str(host.render(self.url)), DIALECT.schemes)
        return local_database(host, url.path, "database.duckdb")

    def connection_options(self, host: Host) -> dict[str, Any]:
        """The database file, and the working directory for relative file names."""
        return {"database": self.database_path(host), "root": str(host.temp_dir())}
