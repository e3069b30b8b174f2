"""``io.kestra.plugin.slack.notifications.SlackIncomingWebhook``: post to a Slack incoming
webhook."""

import json
import re
from typing import Any

from pydantic import Field

from tiercel.plugins.notifications.base import WebhookTask, as_json, parsed
from tiercel.sdk import RunContext, TaskFailure, Text, plugin

_MARKDOWN = (
    (re.compile(r"\*\*(.*?)\*\*"), r"*\1*"),
    (re.compile(r"__(.*?)__"), r"_\1_"),
    (re.compile(r"\[(.*?)\]\((.*?)\)"), r"<\2|\1>"),
)


@plugin(
    "io.kestra.plugin.slack.notifications.SlackIncomingWebhook",
    aliases=[
        "io.kestra.plugin.notifications.slack.SlackIncomingWebhook",
        "io.kestra.plugin.slack.SlackIncomingWebhook",
    ],
)
class SlackIncomingWebhook(WebhookTask):
    """Send a Slack message using an incoming webhook (`payload` JSON or `messageText`)."""

    vendor = "Slack"

    message_text: Text | None = Field(
        default=None,
        description="The message as text with Markdown (or a JSON object); ignored when "
        '`payload` is set. Text is sent as `{"text": ...}` in Slack\'s mrkdwn.',
    )

    def body(self, ctx: RunContext) -> str:
        """The rendered ``payload`` (which must be JSON), else ``messageText``."""
        return as_json(self.message(ctx))

    def message(self, ctx: RunContext) -> Any:
        """The message object to post."""
        if self.payload is not None:
            return parsed(self.vendor, str(ctx.render(self.payload)))
        if self.message_text is not None:
            text = str(ctx.render(self.message_text))
            try:
                return json.loads(text)
            except ValueError:
                return {"text": to_mrkdwn(text)}
        raise TaskFailure("Either 'messageText' or 'payload' must be provided")


def to_mrkdwn(text: str) -> str:
    """Markdown's bold, italics and links in Slack's mrkdwn."""
    for pattern, replacement in _MARKDOWN:
        text = pattern.sub(replacement, text)
    return text
