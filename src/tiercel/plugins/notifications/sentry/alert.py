"""``io.kestra.plugin.notifications.sentry.SentryAlert``: send an event to Sentry, from the
project's DSN, to its envelope (or legacy store) endpoint."""

import json
import urllib.parse
import uuid
from datetime import UTC
from enum import StrEnum
from typing import Any

from pydantic import Field

from tiercel.plugins.notifications.base import NotificationTask, parsed
from tiercel.sdk import Property, RunContext, TaskFailure, Text, plugin

EVENT_LIMIT = 1024 * 1024
ENVELOPE_LIMIT = 100 * 1024 * 1024


class EndpointType(StrEnum):
    """Which Sentry endpoint receives the event."""

    ENVELOPE = "ENVELOPE"
    STORE = "STORE"


@plugin("io.kestra.plugin.notifications.sentry.SentryAlert")
class SentryAlert(NotificationTask):
    """Send a Sentry event (the `payload`, or one saying the execution failed) to a DSN."""

    vendor = "Sentry"

    dsn: Text = Field(description="The project's DSN, `https://<key>@<host>/<project>` (secret).")
    endpoint_type: Property[EndpointType] = Field(
        default=EndpointType.ENVELOPE, description="`ENVELOPE`, or `STORE` for older servers."
    )
    payload: Text | None = Field(default=None, description="The event, as JSON text.")

    def run(self, ctx: RunContext) -> None:
        """Post the event; a 401 or 404 from the envelope endpoint suggests ``STORE``."""
        dsn = str(ctx.render(self.dsn))
        kind = ctx.render_as(self.endpoint_type, EndpointType)
        event = self.event(ctx)
        text = json.dumps(event, ensure_ascii=False)
        if kind is EndpointType.ENVELOPE:
            body = envelope(str(event.get("event_id") or uuid.uuid4().hex), dsn, text, ctx)
        else:
            body = text
        try:
            self.send(ctx, endpoint(dsn, kind), body)
        except TaskFailure as failure:
            if kind is EndpointType.ENVELOPE and (
                " 401 " in str(failure) or " 404 " in str(failure)
            ):
                ctx.logger.error(
                    "Envelope endpoint not supported; Please try to configure the store "
                    "endpoint instead: endpointType: STORE"
                )
            raise

    def event(self, ctx: RunContext) -> dict[str, Any]:
        """The event to send: the rendered ``payload``, else Kestra's default one."""
        if self.payload is not None:
            found = parsed(self.vendor, str(ctx.render(self.payload)))
        else:
            found = {
                "timestamp": str(ctx.render("{{ execution.startDate }}")),
                "platform": "java",
                "level": "error",
                "message": {"message": str(ctx.render("Execution {{ execution.id }} failed"))},
                "extra": {
                    "Namespace": str(ctx.render("{{ flow.namespace }}")),
                    "Flow ID": str(ctx.render("{{ flow.id }}")),
                    "Execution ID": str(ctx.render("{{ execution.id }}")),
                },
            }
        if not isinstance(found, dict):
            raise TaskFailure("Sentry: the payload must be a JSON object")
        return found


def endpoint(dsn: str, kind: EndpointType) -> str:
    """The endpoint of a DSN (``<scheme>://<key>@<host>/<project>``), as Sentry's SDKs build
    it; a value that is not a DSN is used as the URL itself."""
    parts = urllib.parse.urlsplit(dsn)
    project = parts.path.strip("/")
    if not parts.username or not parts.hostname or not project:
        return dsn
    host = parts.hostname + (f":{parts.port}" if parts.port else "")
    path = "envelope" if kind is EndpointType.ENVELOPE else "store"
    query = urllib.parse.urlencode(
        {"sentry_version": "7", "sentry_client": "java", "sentry_key": parts.username}
    )
    return f"{parts.scheme}://{host}/api/{project}/{path}/?{query}"


def envelope(event_id: str, dsn: str, event: str, ctx: RunContext) -> str:
    """An envelope holding one event item.

    Raises:
        TaskFailure: The event is over 1 MiB or the envelope over 100 MiB, Sentry's limits.
    """
    sent_at = ctx.now().astimezone(UTC).isoformat().replace("+00:00", "Z")
    header = {
        "event_id": event_id,
        "dsn": dsn,
        "sdk": {"name": "java", "version": "7"},
        "sent_at": sent_at,
    }
    size = len(event.encode())
    item = {
        "type": "event",
        "length": size,
        "content_type": "application/json",
        "filename": "application.log",
    }
    whole = f"{json.dumps(header)}\n{json.dumps(item)}\n{event}\n"
    if size > EVENT_LIMIT:
        raise TaskFailure(f"Sentry: the event is {size} bytes, over Sentry's limit of 1 MiB")
    if len(whole.encode()) > ENVELOPE_LIMIT:
        raise TaskFailure("Sentry: the envelope is over Sentry's limit of 100 MiB")
    return whole
