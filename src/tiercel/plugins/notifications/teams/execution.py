"""``io.kestra.plugin.notifications.teams.TeamsExecution``: post Kestra's summary of an
execution to a Microsoft Teams incoming webhook, as a message card."""

from typing import Any

from pydantic import Field

from tiercel.plugins.notifications.base import ExecutionProperties, as_json
from tiercel.plugins.notifications.summary import execution_summary, status_line, title
from tiercel.plugins.notifications.teams.incoming_webhook import TeamsIncomingWebhook
from tiercel.sdk import RunContext, Text, plugin


@plugin(
    "io.kestra.plugin.microsoft365.teams.TeamsExecution",
    aliases=["io.kestra.plugin.notifications.teams.TeamsExecution"],
)
class TeamsExecution(ExecutionProperties, TeamsIncomingWebhook):
    """Send a Microsoft Teams message card with an execution's summary and link."""

    theme_color: Text = Field(default="0076D7", description="The card's theme colour.")
    activity_title: Text | None = Field(default=None, description="The activity title.")
    activity_subtitle: Text | None = Field(default=None, description="The activity subtitle.")

    def body(self, ctx: RunContext) -> str:
        """A ``MessageCard`` with the namespace, flow, execution, state and final task."""
        summary = execution_summary(ctx, self)
        execution = summary["execution"]
        section: dict[str, Any] = {}
        if self.activity_title is not None:
            section["activityTitle"] = str(ctx.render(self.activity_title))
        if self.activity_subtitle is not None:
            section["activitySubtitle"] = str(ctx.render(self.activity_subtitle))
        section["facts"] = [
            {"name": "Namespace", "value": execution["namespace"]},
            {"name": "Flow ID", "value": execution["flowId"]},
            {"name": "Execution ID", "value": execution["id"]},
            {"name": "Execution Status", "value": execution["state"]["current"]},
            {"name": "Final task ID", "value": (summary.get("lastTask") or {}).get("taskId")},
        ]
        section["markdown"] = True
        link = summary.get("link", "")
        card = {
            "@type": "MessageCard",
            "@context": "http://schema.org/extensions",
            "themeColor": str(ctx.render(self.theme_color)),
            "summary": f"*<{link}|{title(summary)}>*\n> {status_line(summary)}",
            "sections": [section],
        }
        if link:
            card["potentialAction"] = [
                {"@type": "OpenUri", "name": "Details", "targets": [{"os": "default", "uri": link}]}
            ]
        return as_json(card)
