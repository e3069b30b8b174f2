"""``io.kestra.plugin.slack.notifications.SlackExecution``: post Kestra's summary of an
execution to a Slack incoming webhook."""

from datetime import datetime
from typing import Any

from pydantic import Field

from tiercel.plugins.notifications.base import ExecutionProperties
from tiercel.plugins.notifications.slack.incoming_webhook import SlackIncomingWebhook
from tiercel.plugins.notifications.summary import execution_summary, status_line, title
from tiercel.sdk import RunContext, Text, plugin

_COLOURS = {"SUCCESS": "good", "WARNING": "warning"}


@plugin(
    "io.kestra.plugin.slack.notifications.SlackExecution",
    aliases=[
        "io.kestra.plugin.notifications.slack.SlackExecution",
        "io.kestra.plugin.slack.SlackExecution",
    ],
)
class SlackExecution(ExecutionProperties, SlackIncomingWebhook):
    """Send a Slack message with an execution's summary and a link to it in the UI."""

    channel: Text | None = Field(default=None, description="Channel (legacy webhooks only).")
    username: Text | None = Field(default=None, description="Author (legacy webhooks only).")
    icon_url: Text | None = Field(default=None, description="Icon URL (legacy webhooks only).")
    icon_emoji: Text | None = Field(default=None, description="Emoji (legacy webhooks only).")
    template_render_map: dict[str, Any] | None = Field(
        default=None, description="Accepted for compatibility; the summary is built in."
    )

    def message(self, ctx: RunContext) -> Any:
        """Kestra's Slack execution message: a title linking to the execution, its status,
        and the namespace, flow, execution id, state, custom fields and final task."""
        message = slack_summary(execution_summary(ctx, self))
        for key, value in (
            ("channel", self.channel),
            ("username", self.username),
            ("icon_url", self.icon_url),
            ("icon_emoji", self.icon_emoji),
        ):
            if value is not None:
                message[key] = str(ctx.render(value))
        return message


def slack_summary(summary: dict[str, Any]) -> dict[str, Any]:
    """The Slack message of an execution summary, field for field as Kestra's template."""
    execution = summary["execution"]
    link = summary.get("link")
    heading = f"*<{link}|{title(summary)}>*" if link else f"*{title(summary)}*"
    text = f"{heading}\n> {status_line(summary)}"
    blocks: list[dict[str, Any]] = []
    if "customMessage" in summary:
        blocks.append(_section(summary["customMessage"]))
    section = _section(text)
    if link:
        section["accessory"] = {
            "type": "button",
            "text": {"type": "plain_text", "text": "Details"},
            "url": link,
        }
    blocks.append(section)
    fields = [
        _field("Namespace", execution["namespace"]),
        _field("Flow ID", execution["flowId"]),
        _field("Execution ID", execution["id"]),
        _field("Execution Status", execution["state"]["current"]),
        *(_field(k, v) for k, v in (summary.get("customFields") or {}).items()),
        _field("Final task ID", (summary.get("lastTask") or {}).get("taskId")),
    ]
    state = execution["state"]["current"]
    attachment = {
        "color": _COLOURS.get(state, "danger"),
        "fields": fields,
        "ts": int(datetime.fromisoformat(summary["startDate"]).timestamp()),
    }
    return {"text": text, "blocks": blocks, "attachments": [attachment]}


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def _field(name: str, value: Any) -> dict[str, Any]:
    return {"title": name, "value": value, "short": True}
