"""Kestra's ``Query``, shared by every database: one statement, its result fetched as
``fetchType`` says."""

from collections.abc import Mapping
from typing import Any, ClassVar

from pydantic import Field

from tiercel.plugins.jdbc import statements
from tiercel.plugins.jdbc.connection import (
    Dialect,
    Host,
    JdbcConnection,
    Settings,
    TaskHost,
    connected,
)
from tiercel.plugins.jdbc.results import collect, new_ion_file
from tiercel.plugins.jdbc.values import Mapper
from tiercel.sdk import LogLevel, Property, RunContext, RunnableTask, TaskFailure, Text
from tiercel.sdk.properties import FetchType

DEFAULT_FETCH_SIZE = 10_000


class JdbcStatement(JdbcConnection):
    """The properties of SQL that a query task or a trigger runs."""

    sql: Text = Field(description="The SQL statement(s) to run.")
    after_sql: Text | None = Field(
        default=None,
        alias="afterSQL",
        description="A statement run after `sql`, in the same transaction (to mark rows as "
        "processed, say).",
    )
    parameters: Property[dict[str, Any]] | None = Field(
        default=None,
        description="Values bound to `:name` placeholders of the SQL, as prepared-statement "
        "parameters.",
    )
    fetch_size: Property[int] = Field(
        default=DEFAULT_FETCH_SIZE,
        description="Rows fetched per round trip when the result is stored (`STORE`).",
    )
    fetch: bool = Field(default=False, description="Deprecated: use `fetchType: FETCH`.")
    fetch_one: bool = Field(default=False, description="Deprecated: use `fetchType: FETCH_ONE`.")
    store: bool = Field(default=False, description="Deprecated: use `fetchType: STORE`.")

    def chosen_fetch_type(self, host: Host, declared: Any) -> FetchType:
        """The deprecated booleans win over ``fetchType``, as in Kestra."""
        if self.fetch:
            return FetchType.FETCH
        if self.fetch_one:
            return FetchType.FETCH_ONE
        if self.store:
            return FetchType.STORE
        return _enum(host, declared, FetchType, "fetchType")

    def bound(self, host: Host, dialect: Dialect, sql: str) -> tuple[str, Any]:
        """The SQL in the driver's placeholder style and its parameter values."""
        parameters = None
        if self.parameters is not None:
            rendered = host.render(self.parameters)
            if not isinstance(rendered, Mapping):
                raise TaskFailure("`parameters` must be a map of names to values")
            parameters = dict(rendered)
        return statements.bind(sql, parameters, dialect.placeholder)

    def size(self, host: Host) -> int:
        """``fetchSize``, rendered."""
        return _int(host, self.fetch_size, "fetchSize")


def _enum(host: Host, value: Any, kind: type[FetchType], name: str) -> FetchType:
    rendered = str(host.render(value)).strip()
    try:
        return kind(rendered)
    except ValueError:
        allowed = ", ".join(member.value for member in kind)
        raise TaskFailure(f"`{name}` must be one of {allowed}, not '{rendered}'") from None


def _int(host: Host, value: Any, name: str) -> int:
    rendered = host.render(value)
    try:
        return int(str(rendered).strip())
    except ValueError:
        raise TaskFailure(f"`{name}` must be an integer, not '{rendered}'") from None


def run_one(
    host: Host,
    dialect: Dialect,
    connection: Any,
    task: JdbcStatement,
    sql: str,
    fetch_type: FetchType,
    settings: Settings,
) -> dict[str, Any] | None:
    """Run one statement; the outputs of its result, or None when it returns no rows."""
    text, values = task.bound(host, dialect, sql)
    fetch_size = task.size(host)
    if fetch_type is FetchType.STORE:
        path = new_ion_file(host)
        try:
            host.log(LogLevel.DEBUG, f"Starting query: {sql}")
            size = dialect.store_rows(connection, text, values, settings, path)
            if size is not None:
                return {"uri": host.store(path), "size": size}
        finally:
            path.unlink(missing_ok=True)
    cursor = dialect.cursor(connection, text, fetch_type is FetchType.STORE, fetch_size)
    try:
        host.log(LogLevel.DEBUG, f"Starting query: {sql}")
        if values is None:
            cursor.execute(text)
        else:
            cursor.execute(text, values)
        if not dialect.returns_rows(cursor, text):
            return None
        return collect(host, dialect, cursor, fetch_type, fetch_size, Mapper(settings.zone))
    finally:
        cursor.close()


class JdbcQuery(JdbcStatement, RunnableTask):
    """Run one SQL statement; fetch one row, every row, or store them in an Ion file."""

    dialect: ClassVar[Dialect]

    fetch_type: Property[FetchType] = Field(
        default=FetchType.NONE,
        description="FETCH_ONE: the first row in `row`; FETCH: every row in `rows`; STORE: "
        "every row in an Ion file at `uri`; NONE: nothing.",
    )

    def extra_variables(self, ctx: RunContext) -> dict[str, Any]:
        """Variables the SQL may use besides the usual ones (DuckDB's ``workingDir``)."""
        return {}

    def extra_outputs(self, ctx: RunContext, variables: dict[str, Any]) -> dict[str, Any]:
        """Outputs besides the result's (DuckDB's ``outputFiles``)."""
        return {}

    def run(self, ctx: RunContext) -> dict[str, Any]:
        """``row``, ``rows`` or ``uri`` as ``fetchType`` says, and ``size``: the rows read.

        Raises:
            TaskFailure: More than one statement, or the database's own error, on one line.
        """
        host = TaskHost(ctx)
        fetch_type = self.chosen_fetch_type(host, self.fetch_type)
        variables = self.extra_variables(ctx)
        outputs = query(host, self, self.dialect, fetch_type, variables)
        outputs.update(self.extra_outputs(ctx, variables))
        size = int(outputs.get("size", 0))
        ctx.metric(
            "fetch.size",
            size,
            tags={
                "fetch": str(fetch_type in (FetchType.FETCH, FetchType.FETCH_ONE)).lower(),
                "store": str(fetch_type is FetchType.STORE).lower(),
            },
        )
        return outputs


def query(
    host: Host,
    task: JdbcStatement,
    dialect: Dialect,
    fetch_type: FetchType,
    variables: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Run the task's one statement and its ``afterSQL`` in one transaction; the outputs."""
    settings = task.settings(host, dialect)
    sql = str(host.render(task.sql, variables))
    if len(statements.split(sql)) > 1:
        raise TaskFailure(
            "Query task support only a single SQL statement. "
            "Use the Queries task to run multiple statements."
        )
    with connected(dialect, settings, host.killed) as connection:
        outputs = run_one(host, dialect, connection, task, sql, fetch_type, settings) or {}
        if task.after_sql is not None:
            after = str(host.render(task.after_sql, variables))
            if len(statements.split(after)) > 1:
                raise TaskFailure(
                    "Query task afterSQL supports only a single SQL statement. "
                    "Use the Queries task to run multiple statements."
                )
            run_one(host, dialect, connection, task, after, FetchType.NONE, settings)
        connection.commit()
    return outputs
