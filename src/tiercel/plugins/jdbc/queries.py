"""Kestra's ``Queries``, shared by every database: several statements, in one transaction by
default, each result fetched as ``fetchType`` says."""

from typing import Any, ClassVar

from pydantic import Field

from tiercel.plugins.jdbc import statements
from tiercel.plugins.jdbc.connection import Dialect, TaskHost, connected
from tiercel.plugins.jdbc.query import JdbcStatement, run_one
from tiercel.sdk import LogLevel, Property, RunContext, RunnableTask
from tiercel.sdk.properties import FetchType


class JdbcQueries(JdbcStatement, RunnableTask):
    """Run several SQL statements separated by semicolons, in one transaction by default."""

    dialect: ClassVar[Dialect]

    fetch_type: Property[FetchType] = Field(
        default=FetchType.NONE,
        description="How each statement's result is returned: FETCH_ONE, FETCH, STORE or NONE.",
    )
    transaction: Property[bool] = Field(
        default=True,
        description="Run every statement in one transaction, rolled back when one fails.",
    )

    def extra_variables(self, ctx: RunContext) -> dict[str, Any]:
        """Variables the SQL may use besides the usual ones."""
        return {}

    def extra_outputs(self, ctx: RunContext, variables: dict[str, Any]) -> dict[str, Any]:
        """Outputs besides the results."""
        return {}

    def run(self, ctx: RunContext) -> dict[str, Any]:
        """``outputs``: for each statement that returns rows, its ``row``, ``rows`` or
        ``uri``, and ``size``.

        Raises:
            TaskFailure: The database's own error, on one line; with ``transaction`` the
                statements run before it are rolled back.
        """
        host = TaskHost(ctx)
        settings = self.settings(host, self.dialect)
        fetch_type = self.chosen_fetch_type(host, self.fetch_type)
        transactional = str(host.render(self.transaction)).strip().lower() == "true"
        variables = self.extra_variables(ctx)
        sql = str(host.render(self.sql, variables))
        results: list[dict[str, Any]] = []
        total = 0
        with connected(self.dialect, settings, ctx.killed) as connection:
            for statement in statements.split(sql):
                found = run_one(
                    host, self.dialect, connection, self, statement, fetch_type, settings
                )
                if not transactional:
                    connection.commit()
                if found is None:
                    continue
                if fetch_type is FetchType.NONE:
                    host.log(LogLevel.INFO, "fetchType is set to NONE, no output will be returned")
                results.append(found)
                total += int(found.get("size", 0))
            connection.commit()
        ctx.metric("fetch.size", total)
        return {"outputs": results, **self.extra_outputs(ctx, variables)}
