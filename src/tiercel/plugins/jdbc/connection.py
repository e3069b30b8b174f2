"""The connection every SQL task shares: Kestra's ``url``, ``username``, ``password`` and
``timeZoneId``, read into a ``Settings`` that a ``Dialect`` turns into a driver connection.

Secrets stay out of messages: a driver's error is reported on one line, with the password
(and any password written in the URL) masked.
"""

import json
import os
import shutil
import tempfile
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import tzinfo
from pathlib import Path
from types import ModuleType
from typing import Any, Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field

from tiercel.plugins.jdbc import drivers
from tiercel.plugins.jdbc.url import JdbcUrl, parse
from tiercel.plugins.jdbc.values import Adapter
from tiercel.sdk import (
    KestraModel,
    LogLevel,
    Property,
    RunContext,
    TaskFailure,
    Text,
    TriggerContext,
    ion,
)
from tiercel.sdk.credentials import one_line


class Host(Protocol):
    """What the SQL code needs from a task run or a trigger evaluation."""

    def render(self, value: Any, extra: Mapping[str, Any] | None = None) -> Any:
        """Render a property."""
        ...

    def store(self, path: Path) -> str:
        """Put a local file in internal storage; its ``kestra://`` URI."""
        ...

    def read(self, uri: str) -> Any:
        """Open a stored file for reading (binary)."""
        ...

    def temp_dir(self) -> Path:
        """A directory for files the task writes."""
        ...

    def log(self, level: LogLevel, message: str) -> None:
        """Log a line."""
        ...

    @property
    def killed(self) -> threading.Event | None:
        """Set when the task run is killed or times out (None for a trigger)."""
        ...


class TaskHost:
    """A task run as a ``Host``."""

    def __init__(self, ctx: RunContext) -> None:
        self.ctx = ctx

    def render(self, value: Any, extra: Mapping[str, Any] | None = None) -> Any:
        """Render through the run context."""
        return self.ctx.render(value, extra)

    def store(self, path: Path) -> str:
        """Store a file of the task run."""
        with path.open("rb") as data:
            return self.ctx.files.put(path.name, data)

    def read(self, uri: str) -> Any:
        """Open a stored file."""
        return self.ctx.files.open(uri)

    @property
    def killed(self) -> threading.Event | None:
        """The task run's kill switch."""
        return self.ctx.killed

    def temp_dir(self) -> Path:
        """The task run's working directory."""
        return self.ctx.working_dir()

    def log(self, level: LogLevel, message: str) -> None:
        """Log through the task's logger."""
        logger = self.ctx.logger
        {
            LogLevel.TRACE: logger.trace,
            LogLevel.DEBUG: logger.debug,
            LogLevel.INFO: logger.info,
            LogLevel.WARN: logger.warn,
            LogLevel.ERROR: logger.error,
        }[level](message)


class TriggerHost:
    """A trigger evaluation as a ``Host``; its files live in a directory removed at the end."""

    def __init__(self, ctx: TriggerContext, directory: Path) -> None:
        self.ctx = ctx
        self.directory = directory

    def render(self, value: Any, extra: Mapping[str, Any] | None = None) -> Any:
        """Render with the flow's variables."""
        return self.ctx.render(value, extra)

    def store(self, path: Path) -> str:
        """Store a file for the execution to come."""
        with path.open("rb") as data:
            return self.ctx.put_file(path.name, data)

    def read(self, uri: str) -> Any:
        """Triggers read no stored file."""
        raise TaskFailure("a trigger cannot read files from internal storage")

    @property
    def killed(self) -> threading.Event | None:
        """A trigger evaluation is not killed."""
        return None

    def temp_dir(self) -> Path:
        """A temporary directory of this evaluation."""
        return self.directory

    def log(self, level: LogLevel, message: str) -> None:
        """Log with the trigger's logs."""
        self.ctx.log(level, message)


@contextmanager
def trigger_host(ctx: TriggerContext) -> Iterator[TriggerHost]:
    """A ``Host`` for one trigger evaluation."""
    directory = Path(tempfile.mkdtemp(prefix="tiercel-jdbc-"))
    try:
        yield TriggerHost(ctx, directory)
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def local_zone_name() -> str:
    """The worker's time zone name (``TZ``, or the zone ``/etc/localtime`` links to), UTC
    when it cannot be told."""
    name = os.environ.get("TZ", "").lstrip(":")
    if name:
        return name
    try:
        target = os.readlink("/etc/localtime")
    except OSError:
        return "UTC"
    return target.split("zoneinfo/", 1)[1] if "zoneinfo/" in target else "UTC"


@dataclass(frozen=True, slots=True)
class Settings:
    """A rendered connection: what a dialect needs to connect."""

    url: JdbcUrl
    username: str | None
    password: str | None
    zone: tzinfo | None
    zone_id: str | None
    options: dict[str, Any] = field(default_factory=dict)

    @property
    def secrets(self) -> list[str | None]:
        """The values no message may show."""
        return [self.password, self.url.password, self.url.params.get("password")]


class Dialect:
    """One database: how to load its driver, connect, and read its results.

    Subclasses set the class attributes and override ``connect``; the others have defaults
    that suit DB-API 2 drivers.
    """

    label = "database"
    schemes: tuple[str, ...] = ()
    driver_module = ""
    driver_label = ""
    extra = "jdbc"
    placeholder = "%s"
    embedded = False
    """An in-process database (SQLite, DuckDB): files it writes are the worker's files."""

    def driver(self) -> ModuleType:
        """The driver module, imported now."""
        return drivers.load(self.driver_module, self.extra, self.driver_label)

    def errors(self, driver: ModuleType) -> tuple[type[BaseException], ...]:
        """The exceptions that carry the server's message."""
        return (driver.Error,)

    def connect(self, driver: ModuleType, settings: Settings) -> Any:
        """A DB-API connection, not in autocommit mode."""
        raise NotImplementedError

    def cursor(self, connection: Any, sql: str, stream: bool, fetch_size: int) -> Any:
        """A cursor; ``stream`` asks for one that fetches ``fetch_size`` rows at a time."""
        return connection.cursor()

    def adapters(self, cursor: Any) -> list[Adapter | None]:
        """Per column of the cursor's result, a conversion this database needs first."""
        return []

    def store_rows(
        self, connection: Any, sql: str, values: Any, settings: Settings, path: Path
    ) -> int | None:
        """Write a query's rows as Ion lines into ``path`` by a way faster than fetching
        them; the row count, or None when this database has none for this statement."""
        return None

    def cancel(self, connection: Any) -> None:
        """Stop the statement running on the connection (from another thread)."""
        for name in ("cancel", "interrupt"):  # psycopg; sqlite3 and DuckDB
            method = getattr(connection, name, None)
            if callable(method):
                method()
                return

    def returns_rows(self, cursor: Any, sql: str) -> bool:
        """Whether the statement just run gave a result set (a query), not an update count."""
        return cursor.description is not None

    def message(self, error: BaseException) -> str:
        """The text of a driver error that the user should read."""
        return str(error)

    def bind(self, driver: ModuleType, value: Any) -> Any:
        """A value read from an Ion file, as this driver binds it (maps as JSON text,
        timestamps as their ISO text, which the server casts to the column's type)."""
        if isinstance(value, ion.Timestamp):
            return str.__str__(value)
        if isinstance(value, dict):
            return json.dumps(value)
        return value

    def table_columns(self, connection: Any, table: str) -> list[str]:
        """The column names of a table, in order."""
        cursor = connection.cursor()
        try:
            cursor.execute(f"SELECT * FROM {table} WHERE 1 = 0")
            names = self.column_names(cursor)
            cursor.fetchall()
            return names
        finally:
            cursor.close()

    def column_names(self, cursor: Any) -> list[str]:
        """The result's column labels."""
        return [str(column[0]) for column in cursor.description]


class JdbcConnection(KestraModel):
    """The connection properties every SQL task and trigger has."""

    url: Text = Field(description="The JDBC URL to connect to the database.")
    username: Text | None = Field(default=None, description="The database user.")
    password: Text | None = Field(default=None, description="The database user's password.")
    time_zone_id: Text | None = Field(
        default=None,
        description="The time zone in which timestamps with a zone are shown; the worker's "
        "by default.",
    )
    connection_pooling: Property[bool] = Field(
        default=True,
        description="Accepted for Kestra compatibility: each task run opens its own connection.",
    )
    connection_pool_size: Property[int] = Field(
        default=10, description="Accepted for Kestra compatibility; not used."
    )

    def settings(self, host: Host, dialect: Dialect) -> Settings:
        """The rendered connection settings.

        Raises:
            TaskFailure: A blank or foreign URL, an unknown time zone.
        """
        url = parse(str(host.render(self.url)), dialect.schemes)
        zone_id = _text(host, self.time_zone_id)
        try:
            zone = ZoneInfo(zone_id) if zone_id else None
        except (ZoneInfoNotFoundError, ValueError):
            raise TaskFailure(f"Invalid timeZoneId '{zone_id}'") from None
        return Settings(
            url=url,
            username=_text(host, self.username) or url.user or url.params.get("user"),
            password=_text(host, self.password) or url.password or url.params.get("password"),
            zone=zone,
            zone_id=zone_id,
            options=self.connection_options(host),
        )

    def connection_options(self, host: Host) -> dict[str, Any]:
        """Options of one database (PostgreSQL's SSL files...), rendered."""
        return {}


def _text(host: Host, value: str | None) -> str | None:
    if value is None:
        return None
    rendered = host.render(value)
    return None if rendered is None or rendered == "" else str(rendered)


@contextmanager
def connected(
    dialect: Dialect, settings: Settings, killed: threading.Event | None = None
) -> Iterator[Any]:
    """An open connection, closed at the end; any driver error becomes a one-line
    ``TaskFailure`` with the server's message and no secret. When ``killed`` is set (the task
    run is killed or timed out), the running statement is cancelled."""
    driver = dialect.driver()
    errors = dialect.errors(driver)
    connection: Any = None
    done = threading.Event()
    try:
        connection = dialect.connect(driver, settings)
        if killed is not None:
            threading.Thread(
                target=_cancel_when_killed,
                args=(dialect, connection, killed, done),
                name="tiercel-jdbc-kill",
                daemon=True,
            ).start()
        yield connection
    except errors as exc:
        if connection is not None:
            _quietly(connection.rollback)
        raise TaskFailure(one_line(dialect.message(exc), settings.secrets)) from None
    except TaskFailure as exc:
        if connection is not None:
            _quietly(connection.rollback)
        raise TaskFailure(one_line(exc, settings.secrets), exc.outputs) from None
    finally:
        done.set()
        if connection is not None:
            _quietly(connection.close)


def _cancel_when_killed(
    dialect: Dialect, connection: Any, killed: threading.Event, done: threading.Event
) -> None:
    while not done.wait(0.25):
        if killed.is_set():
            _quietly(lambda: dialect.cancel(connection))
            return


def _quietly(action: Any) -> None:
    try:
        action()
    except Exception:  # the connection may already be broken; the first error is what counts
        return
