"""``io.kestra.plugin.notifications.teams.TeamsIncomingWebhook``: post to a Microsoft Teams
incoming webhook."""

from tiercel.plugins.notifications.base import WebhookTask
from tiercel.sdk import plugin


@plugin(
    "io.kestra.plugin.microsoft365.teams.TeamsIncomingWebhook",
    aliases=["io.kestra.plugin.notifications.teams.TeamsIncomingWebhook"],
)
class TeamsIncomingWebhook(WebhookTask):
    """Send a Microsoft Teams message using an incoming webhook (the `payload` as written)."""

    vendor = "Microsoft Teams"
