"""SQLite through the standard library's ``sqlite3``: a file in the working directory, or
one downloaded from internal storage (``sqliteFile``)."""

from types import ModuleType
from typing import Any

from pydantic import Field

from tiercel.plugins.jdbc.connection import Dialect, Host, Settings
from tiercel.plugins.jdbc.embedded import EmbeddedFiles, downloaded, local_database
from tiercel.plugins.jdbc.url import parse
from tiercel.sdk import Text


class SqliteDialect(Dialect):
    """``sqlite3``, in autocommit mode with explicit transactions."""

    label = "SQLite"
    schemes = ("sqlite",)
    driver_module = "sqlite3"
    driver_label = "Python's sqlite3 module"
    extra = "jdbc-sqlite"
    placeholder = "?"
    embedded = True

    def connect(self, driver: ModuleType, settings: Settings) -> Any:
        """A connection in a transaction (``BEGIN``)."""
        database = settings.options.get("database") or ":memory:"
        connection = driver.connect(database, isolation_level=None, check_same_thread=False)
        connection.execute("BEGIN")
        return connection


DIALECT = SqliteDialect()


class SqliteDatabase(EmbeddedFiles):
    """SQLite's database properties."""

    url: Text = Field(
        default="jdbc:sqlite:",
        description="`jdbc:sqlite:<file>`; a relative file is in the working directory, "
        "`jdbc:sqlite::memory:` is in memory.",
    )
    sqlite_file: Text | None = Field(
        default=None,
        description="A `kestra://` URI of an SQLite database file to query (a copy of it).",
    )

    def database_path(self, host: Host) -> str:
        """``sqliteFile``'s copy, or the URL's file (a new one by default)."""
        if self.sqlite_file is not None:
            return downloaded(host, str(host.render(self.sqlite_file)), ".sqlite")
        url = parse(str(host.render(self.url)), DIALECT.schemes)
        return local_database(host, url.path, "database.sqlite")
