"""Kestra's JDBC ``Trigger``, shared by every database: poll a query and start an execution
with its rows whenever it returns some."""

from typing import Any, ClassVar

from pydantic import Field, field_validator

from tiercel.plugins.jdbc.connection import Dialect, trigger_host
from tiercel.plugins.jdbc.query import JdbcStatement, query
from tiercel.sdk import Emission, LogLevel, PollingTrigger, Property, TaskFailure, TriggerContext
from tiercel.sdk.properties import FetchType

_NONE = (
    "fetchType NONE is not valid for triggers — the trigger would never fire. "
    "Use FETCH, FETCH_ONE, or STORE."
)


class JdbcTrigger(JdbcStatement, PollingTrigger):
    """Run a query at every interval; start one execution with its result when it has rows."""

    dialect: ClassVar[Dialect]

    fetch_type: Property[FetchType] = Field(
        default=FetchType.FETCH,
        description="FETCH: the rows in `trigger.rows`; FETCH_ONE: the first in `trigger.row`; "
        "STORE: an Ion file at `trigger.uri`. NONE is refused: the trigger would never fire.",
    )

    @field_validator("fetch_type")
    @classmethod
    def _not_none(cls, value: Any) -> Any:
        if value == FetchType.NONE or value == "NONE":
            raise ValueError(_NONE)
        return value

    def evaluate(self, ctx: TriggerContext) -> list[Emission]:
        """One emission with ``row``, ``rows`` or ``uri`` and ``size`` when the query returned
        rows; none otherwise.

        Raises:
            TaskFailure: The database's error, on one line (logged; the next poll tries again).
        """
        with trigger_host(ctx) as host:
            fetch_type = self.chosen_fetch_type(host, self.fetch_type)
            if fetch_type is FetchType.NONE:
                raise TaskFailure(_NONE)
            outputs = query(host, self, self.dialect, fetch_type)
            size = int(outputs.get("size", 0))
            host.log(LogLevel.DEBUG, f"Found '{size}' rows")
            if size == 0:
                return []
            return [Emission(variables=outputs)]
