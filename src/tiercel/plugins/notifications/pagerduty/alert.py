"""``io.kestra.plugin.notifications.pagerduty.PagerDutyAlert``: send an event to PagerDuty's
Events API v2."""

from tiercel.plugins.notifications.base import WebhookTask
from tiercel.sdk import plugin


@plugin("io.kestra.plugin.notifications.pagerduty.PagerDutyAlert")
class PagerDutyAlert(WebhookTask):
    """Send a PagerDuty event (the `payload` as written) to the Events API `url`."""

    vendor = "PagerDuty"
