"""``io.kestra.plugin.notifications.zenduty.ZendutyAlert``: send an alert to a Zenduty
integration's webhook."""

from tiercel.plugins.notifications.base import WebhookTask
from tiercel.sdk import plugin


@plugin("io.kestra.plugin.notifications.zenduty.ZendutyAlert")
class ZendutyAlert(WebhookTask):
    """Send a Zenduty alert (the `payload` as written) to an integration's `url`."""

    vendor = "Zenduty"
