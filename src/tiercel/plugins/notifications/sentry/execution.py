"""``io.kestra.plugin.notifications.sentry.SentryExecution``: send Kestra's summary of an
execution to Sentry as an event."""

import re
import uuid
from enum import StrEnum
from typing import Any

from pydantic import Field

from tiercel.plugins.notifications.base import ExecutionProperties
from tiercel.plugins.notifications.sentry.alert import SentryAlert
from tiercel.plugins.notifications.summary import execution_summary
from tiercel.sdk import Property, RunContext, TaskFailure, Text, plugin

_EVENT_ID = re.compile(r"[0-9a-f]{32}")


class Platform(StrEnum):
    """The platform Sentry files the event under."""

    AS3 = "AS3"
    C = "C"
    CFML = "CFML"
    COCOA = "COCOA"
    CSHARP = "CSHARP"
    ELIXIR = "ELIXIR"
    HASKELL = "HASKELL"
    GO = "GO"
    GROOVY = "GROOVY"
    JAVA = "JAVA"
    JAVASCRIPT = "JAVASCRIPT"
    NATIVE = "NATIVE"
    NODE = "NODE"
    OBJC = "OBJC"
    OTHER = "OTHER"
    PERL = "PERL"
    PHP = "PHP"
    PYTHON = "PYTHON"
    RUBY = "RUBY"


class ErrorLevel(StrEnum):
    """The event's level."""

    FATAL = "FATAL"
    ERROR = "ERROR"
    WARNING = "WARNING"
    INFO = "INFO"
    DEBUG = "DEBUG"


@plugin("io.kestra.plugin.notifications.sentry.SentryExecution")
class SentryExecution(ExecutionProperties, SentryAlert):
    """Send a Sentry event describing an execution, with its link."""

    event_id: Text | None = Field(
        default=None, description="32 lowercase hex digits; a generated one by default."
    )
    platform: Property[Platform] = Field(default=Platform.JAVA, description="The platform.")
    level: Property[ErrorLevel] = Field(default=ErrorLevel.ERROR, description="The level.")
    transaction: Text | None = Field(default=None, description="The transaction's name.")
    server_name: Text | None = Field(default=None, description="The server's name.")
    extra: Property[dict[str, Any]] | None = Field(default=None, description="Extra data.")
    errors: Property[dict[str, Any]] | None = Field(
        default=None, description="Errors to report with the event."
    )

    def event(self, ctx: RunContext) -> dict[str, Any]:
        """An event with the execution as an exception (its flow and state, the failed task
        and duration) and its namespace, flow, id, state, final task and link as ``extra``."""
        summary = execution_summary(ctx, self)
        execution = summary["execution"]
        first_failed = summary.get("firstFailed") or {}
        event_id = str(ctx.render(self.event_id)) if self.event_id else uuid.uuid4().hex
        if not _EVENT_ID.fullmatch(event_id):
            raise TaskFailure("eventId: must be 32 lowercase hexadecimal digits")
        extra: dict[str, Any] = {
            "Namespace": execution["namespace"],
            "Flow ID": execution["flowId"],
            "Execution ID": execution["id"],
            "Execution Status": execution["state"]["current"],
            "Final task ID": (summary.get("lastTask") or {}).get("taskId"),
            "Link": summary.get("link", ""),
        }
        added = ctx.render(self.extra) if self.extra is not None else None
        extra.update(added or {})
        event: dict[str, Any] = {
            "event_id": event_id,
            "timestamp": ctx.now().isoformat(),
            "platform": ctx.render_as(self.platform, Platform).value.lower(),
            "level": ctx.render_as(self.level, ErrorLevel).value.lower(),
            "exception": {
                "values": [
                    {
                        "type": f"{execution['flowId']} ➛ {execution['state']['current']}",
                        "value": f"Failed on task `{first_failed.get('taskId')}` after "
                        f"{summary['duration']}",
                        "module": execution["namespace"],
                        "stacktrace": {},
                    }
                ]
            },
            "extra": extra,
        }
        if self.transaction is not None:
            event["transaction"] = str(ctx.render(self.transaction))
        if self.server_name is not None:
            event["server_name"] = str(ctx.render(self.server_name))
        errors = ctx.render(self.errors) if self.errors is not None else None
        if errors:
            event["errors"] = errors
        return event
