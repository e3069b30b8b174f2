"""``io.kestra.plugin.notifications.zenduty.ZendutyExecution``: send Kestra's summary of an
execution to Zenduty."""

from enum import StrEnum
from typing import Any

from pydantic import Field

from tiercel.plugins.notifications.base import ExecutionProperties, as_json
from tiercel.plugins.notifications.summary import execution_summary
from tiercel.plugins.notifications.zenduty.alert import ZendutyAlert
from tiercel.sdk import Property, RunContext, Text, plugin


class AlertType(StrEnum):
    """Zenduty's alert types."""

    CRITICAL = "CRITICAL"
    ACKNOWLEDGED = "ACKNOWLEDGED"
    RESOLVED = "RESOLVED"
    ERROR = "ERROR"
    WARNING = "WARNING"
    INFO = "INFO"


@plugin("io.kestra.plugin.notifications.zenduty.ZendutyExecution")
class ZendutyExecution(ExecutionProperties, ZendutyAlert):
    """Send a Zenduty alert describing an execution: `error` when a task failed, `resolved`
    otherwise, with a link to it."""

    message: Text | None = Field(default=None, description="The alert's message.")
    summary: Text | None = Field(default=None, description="The alert's summary.")
    alert_type: Property[AlertType] | None = Field(default=None, description="The alert type.")
    entity_id: Text | None = Field(default=None, description="The alert's entity id.")
    urls: Property[list[Text]] | None = Field(default=None, description="Links to add.")

    def body(self, ctx: RunContext) -> str:
        """Zenduty's alert fields: ``message``, ``alert_type``, ``entity_id``, ``urls``,
        ``payload`` with the execution's details, and ``summary``."""
        found = execution_summary(ctx, self)
        execution = found["execution"]
        failed = found.get("firstFailed", False) is not False
        alert: dict[str, Any] = {
            "message": "Kestra workflow execution",
            "alert_type": "error" if failed else "resolved",
            "entity_id": execution["id"],
            "urls": [{"link_url": found.get("link", ""), "link_text": "Execution link"}],
            "payload": {
                "Namespace": execution["namespace"],
                "Flow ID": execution["flowId"],
                "Execution ID": execution["id"],
                "Execution Status": execution["state"]["current"],
                "Final task ID": (found.get("lastTask") or {}).get("taskId"),
                "Duration": found["duration"],
            },
            "summary": f"Kestra workflow execution {execution['id']} of a flow "
            f"{execution['flowId']} in the namespace {execution['namespace']} changed status "
            f"to {execution['state']['current']}",
        }
        for key, value in (
            ("message", self.message),
            ("summary", self.summary),
            ("entity_id", self.entity_id),
        ):
            if value is not None:
                alert[key] = str(ctx.render(value))
        if self.alert_type is not None:
            alert["alert_type"] = ctx.render_as(self.alert_type, AlertType).value.lower()
        urls = ctx.render(self.urls) if self.urls is not None else None
        if urls:
            alert["urls"] = [str(url) for url in urls]
        return as_json(alert)
