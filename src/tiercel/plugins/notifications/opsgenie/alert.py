"""``io.kestra.plugin.notifications.opsgenie.OpsgenieAlert``: create an Opsgenie alert."""

from pydantic import Field

from tiercel.plugins.notifications.base import WebhookTask
from tiercel.sdk import RunContext, Text, plugin


@plugin("io.kestra.plugin.notifications.opsgenie.OpsgenieAlert")
class OpsgenieAlert(WebhookTask):
    """Create an Opsgenie alert (the `payload` as written) with the Alert API `url`."""

    vendor = "Opsgenie"

    authorization_token: Text | None = Field(
        default=None, description="The `Authorization` header, as `GenieKey <key>` (a secret)."
    )

    def run(self, ctx: RunContext) -> None:
        """Post the payload with the ``Authorization`` header."""
        headers = {}
        if self.authorization_token is not None:
            headers["Authorization"] = str(ctx.render(self.authorization_token))
        self.send(ctx, str(ctx.render(self.url)), self.body(ctx), **headers)
