"""``io.kestra.plugin.notifications.google.GoogleChatIncomingWebhook``: post to a Google Chat
incoming webhook."""

from tiercel.plugins.notifications.base import WebhookTask
from tiercel.sdk import plugin


@plugin("io.kestra.plugin.notifications.google.GoogleChatIncomingWebhook")
class GoogleChatIncomingWebhook(WebhookTask):
    """Send a Google Chat message using an incoming webhook (the `payload` as written)."""

    vendor = "Google Chat"
