"""``io.kestra.plugin.notifications.pagerduty.PagerDutyExecution``: send Kestra's summary of
an execution to PagerDuty as an event."""

from typing import Any

from pydantic import Field

from tiercel.plugins.notifications.base import ExecutionProperties, as_json
from tiercel.plugins.notifications.pagerduty.alert import PagerDutyAlert
from tiercel.plugins.notifications.summary import execution_summary, status_line
from tiercel.sdk import RunContext, TaskFailure, Text, plugin

SUMMARY_LIMIT = 1024


@plugin("io.kestra.plugin.notifications.pagerduty.PagerDutyExecution")
class PagerDutyExecution(ExecutionProperties, PagerDutyAlert):
    """Send a PagerDuty event with an execution's summary: `trigger` (or `acknowledge` with a
    deduplication key) at `error` severity when a task failed, `info` otherwise."""

    routing_key: Text | None = Field(default=None, description="The integration's key.")
    deduplication_key: Text | None = Field(default=None, description="The alert's `dedup_key`.")
    event_action: Text | None = Field(
        default=None, description="`trigger`, `acknowledge` or `resolve`."
    )
    payload_summary: Text | None = Field(
        default=None, description="The alert's summary (1024 characters at most)."
    )

    def body(self, ctx: RunContext) -> str:
        """An Events API v2 event: ``routing_key``, ``dedup_key``, ``event_action``,
        ``payload`` (summary, source, severity, timestamp, custom details) and ``links``."""
        summary = execution_summary(ctx, self)
        execution = summary["execution"]
        event: dict[str, Any] = {}
        if self.routing_key is not None:
            event["routing_key"] = str(ctx.render(self.routing_key))
        dedup = str(ctx.render(self.deduplication_key)) if self.deduplication_key else None
        if dedup is not None:
            event["dedup_key"] = dedup
        action = str(ctx.render(self.event_action)) if self.event_action else None
        event["event_action"] = action or ("acknowledge" if dedup else "trigger")
        details: dict[str, Any] = {
            "source": f"{execution['namespace']} {execution['id']}",
            "severity": "info" if summary.get("firstFailed", False) is False else "error",
            "custom_details": [
                {"title": "Flow ID", "value": execution["flowId"]},
                {"title": "Execution Status", "value": execution["state"]["current"]},
                {"title": "Final task ID", "value": (summary.get("lastTask") or {}).get("taskId")},
            ],
        }
        if self.payload_summary is not None:
            text = str(ctx.render(self.payload_summary))
            if len(text) > SUMMARY_LIMIT:
                raise TaskFailure(f"payloadSummary: longer than {SUMMARY_LIMIT} characters")
            details["summary"] = text
        details["timestamp"] = ctx.now().isoformat()
        event["payload"] = details
        if "link" in summary:
            event["links"] = [{"href": summary["link"], "text": status_line(summary)}]
        return as_json(event)
