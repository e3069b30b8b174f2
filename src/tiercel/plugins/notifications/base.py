"""What the notification tasks share (not plugins): the HTTP ``options``, the webhook task that
posts a payload, and the properties of the ``*Execution`` tasks."""

import json
from datetime import timedelta
from enum import StrEnum
from typing import Any, ClassVar

from pydantic import Field

from tiercel.sdk import Duration, KestraModel, Property, RunContext, RunnableTask, TaskFailure, Text


class ProxyType(StrEnum):
    """Java's ``Proxy.Type``."""

    DIRECT = "DIRECT"
    HTTP = "HTTP"
    SOCKS = "SOCKS"


class ProxyOptions(KestraModel):
    """An outbound proxy (Kestra's Slack plugin's ``options.proxy``)."""

    type: Property[ProxyType] = Field(default=ProxyType.HTTP, description="HTTP or SOCKS.")
    address: Text = Field(description="The proxy's host.")
    port: Property[int] = Field(description="The proxy's port.")
    username: Text | None = Field(default=None, description="The proxy user.")
    password: Text | None = Field(default=None, description="The proxy password (a secret).")


class RequestOptions(KestraModel):
    """Kestra's ``RequestOptions``: the HTTP client's settings."""

    connect_timeout: Property[Duration] | None = Field(
        default=None, description="The time allowed to establish a connection to the server."
    )
    read_timeout: Property[Duration] = Field(
        default=timedelta(seconds=10), description="The maximum time allowed to read the answer."
    )
    read_idle_timeout: Property[Duration] = Field(
        default=timedelta(minutes=5),
        description="The time a read connection may stay idle (accepted; the read timeout rules).",
    )
    connection_pool_idle_timeout: Property[Duration] = Field(
        default=timedelta(0), description="Accepted for compatibility; connections are not pooled."
    )
    max_content_length: Property[int] = Field(
        default=10 * 1024 * 1024, description="The maximum content length of the response."
    )
    default_charset: Text = Field(default="UTF-8", description="The charset of the request.")
    headers: Property[dict[str, Text]] | None = Field(
        default=None, description="HTTP headers to add to the request."
    )
    proxy: ProxyOptions | None = Field(default=None, description="An outbound proxy.")


class NotificationTask(RunnableTask):
    """A task that posts one message to a vendor; ``vendor`` names it in errors."""

    vendor: ClassVar[str] = "Notification"

    options: RequestOptions | None = Field(
        default=None, description="The options to customise the HTTP client."
    )

    def send(self, ctx: RunContext, url: str, body: str, **headers: str) -> Any:
        """Post ``body`` as JSON to ``url`` with this task's options; the response."""
        # httpx is loaded when a notification is sent, not when the catalogue is read.
        from tiercel.plugins.notifications.sender import post, settings_of

        ctx.logger.debug(f"Send {self.vendor} message: {body}")
        return post(ctx, self.vendor, url, body, settings_of(ctx, self.options), headers=headers)


class WebhookTask(NotificationTask):
    """A task that posts its rendered ``payload`` to its ``url``."""

    url: Text = Field(description="The webhook URL (a secret: it carries the token).")
    payload: Text | None = Field(default=None, description="The message payload (JSON text).")

    def run(self, ctx: RunContext) -> None:
        """Post the payload; Kestra's tasks of this kind have no outputs."""
        self.send(ctx, str(ctx.render(self.url)), self.body(ctx))

    def body(self, ctx: RunContext) -> str:
        """The text to post: the rendered ``payload``."""
        if self.payload is None:
            raise TaskFailure(f"{self.vendor}: 'payload' is required")
        return str(ctx.render(self.payload))


class ExecutionProperties(KestraModel):
    """Kestra's ``ExecutionInterface``: which execution an ``*Execution`` task describes."""

    execution_id: Text = Field(
        default="{{ execution.id }}",
        description="The execution to describe; `{{ trigger.executionId }}` under a Flow trigger.",
    )
    custom_fields: Property[dict[str, Any]] | None = Field(
        default=None, description="Custom fields added to the notification."
    )
    custom_message: Text | None = Field(
        default=None, description="A custom message added to the notification."
    )


def as_json(value: Any) -> str:
    """A payload as JSON text, non-ASCII characters kept."""
    return json.dumps(value, ensure_ascii=False)


def parsed(vendor: str, text: str) -> Any:
    """A rendered payload read as JSON.

    Raises:
        TaskFailure: It is not JSON.
    """
    try:
        return json.loads(text)
    except ValueError as exc:
        raise TaskFailure(f"{vendor}: the payload is not valid JSON: {exc}") from None
