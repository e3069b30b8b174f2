"""``io.kestra.plugin.notifications.telegram.TelegramSend``: send a message through the
Telegram Bot API's ``sendMessage``."""

from enum import StrEnum

from pydantic import Field

from tiercel.plugins.notifications.base import NotificationTask, as_json
from tiercel.sdk import Property, RunContext, TaskFailure, Text, plugin

API = "https://api.telegram.org"


class ParseMode(StrEnum):
    """How Telegram reads the text's markup."""

    HTML = "HTML"
    MARKDOWNV2 = "MarkdownV2"


@plugin("io.kestra.plugin.notifications.telegram.TelegramSend")
class TelegramSend(NotificationTask):
    """Send a Telegram message to a chat or channel with a bot's token."""

    vendor = "Telegram"

    token: Text = Field(description="The bot's token (a secret).")
    channel: Text = Field(description="The chat or channel id (`@channelname` or a number).")
    payload: Text | None = Field(default=None, description="The message text.")
    parse_mode: Property[ParseMode] | None = Field(
        default=None, description="`HTML` or `MarkdownV2`; plain text when unset."
    )
    endpoint_override: Text | None = Field(
        default=None, description="The Bot API's base URL, instead of api.telegram.org."
    )

    def run(self, ctx: RunContext) -> None:
        """Post ``{chat_id, text, parse_mode}`` to ``/bot<token>/sendMessage``; Telegram must
        answer ``ok: true``."""
        base = str(ctx.render(self.endpoint_override)) if self.endpoint_override else API
        token = str(ctx.render(self.token))
        message = {
            "chat_id": str(ctx.render(self.channel)),
            "text": self.text(ctx),
            "parse_mode": (
                ctx.render_as(self.parse_mode, ParseMode).value if self.parse_mode else None
            ),
        }
        response = self.send(ctx, f"{base.rstrip('/')}/bot{token}/sendMessage", as_json(message))
        try:
            ok = response.json().get("ok") is True
        except ValueError:
            ok = False
        if not ok:
            raise TaskFailure(f"Unable to send Telegram message: {response.status_code} not ok")

    def text(self, ctx: RunContext) -> str:
        """The message text: the rendered ``payload``."""
        if self.payload is None:
            raise TaskFailure("Telegram: 'payload' is required")
        return str(ctx.render(self.payload))
