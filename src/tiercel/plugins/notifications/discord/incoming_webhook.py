"""``io.kestra.plugin.discord.DiscordIncomingWebhook``: post to a Discord webhook."""

from tiercel.plugins.notifications.base import WebhookTask, as_json, parsed
from tiercel.sdk import RunContext, plugin


@plugin(
    "io.kestra.plugin.discord.DiscordIncomingWebhook",
    aliases=["io.kestra.plugin.notifications.discord.DiscordIncomingWebhook"],
)
class DiscordIncomingWebhook(WebhookTask):
    """Send a Discord message using a webhook (the `payload`, which must be JSON)."""

    vendor = "Discord"

    def body(self, ctx: RunContext) -> str:
        """The rendered ``payload``, checked to be JSON."""
        return as_json(parsed(self.vendor, super().body(ctx)))
