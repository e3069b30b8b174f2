"""``io.kestra.plugin.email.MailSend``: send an email over SMTP, with attachments and inline
images from internal storage."""

import json
from email.message import EmailMessage
from email.utils import getaddresses, make_msgid
from enum import StrEnum
from typing import Any

from pydantic import Field

from tiercel.sdk import Property, RunContext, RunnableTask, TaskFailure, Text, plugin

PLAIN_DEFAULT = "Please view this email in a modern email client"


class TransportStrategy(StrEnum):
    """How the connection to the SMTP server is secured."""

    SMTP = "SMTP"
    SMTPS = "SMTPS"
    SMTP_TLS = "SMTP_TLS"
    SMTP_OAUTH2 = "SMTP_OAUTH2"


@plugin("io.kestra.plugin.email.MailSend", aliases=["io.kestra.plugin.notifications.mail.MailSend"])
class MailSend(RunnableTask):
    """Send an email over SMTP (SMTPS by default), with attachments from internal storage."""

    host: Text | None = Field(default=None, description="The SMTP server's host.")
    port: Property[int] | None = Field(default=None, description="The SMTP server's port.")
    username: Text | None = Field(default=None, description="The SMTP user.")
    password: Text | None = Field(default=None, description="The SMTP password (a secret).")
    transport_strategy: Property[TransportStrategy] = Field(
        default=TransportStrategy.SMTPS,
        description="`SMTPS` (TLS from the start), `SMTP_TLS` (STARTTLS, required) or `SMTP`.",
    )
    session_timeout: Property[int] = Field(
        default=10000, description="The timeout of the exchange, in milliseconds."
    )
    verify_server_identity: Property[bool] = Field(
        default=True, description="Check the server's certificate and host name."
    )
    trusted_hosts: Property[list[Text]] | None = Field(
        default=None, description="Hosts whose certificate is trusted as it is."
    )
    from_: Text | None = Field(default=None, alias="from", description="The sender's address.")
    to: Text | None = Field(
        default=None, description="Recipients, separated by semicolons (RFC 2822 addresses)."
    )
    cc: Text | None = Field(default=None, description="Carbon-copy recipients, `;`-separated.")
    subject: Text | None = Field(default=None, description="The subject.")
    html_text_content: Text | None = Field(default=None, description="The HTML body.")
    plain_text_content: Text | None = Field(default=None, description="The plain text body.")
    attachments: Property[Any] | None = Field(
        default=None,
        description="Files from internal storage: a list of `{uri, name, contentType}` (or its "
        "JSON text).",
    )
    embedded_images: Property[Any] | None = Field(
        default=None,
        description="Images from internal storage the HTML refers to as `cid:<name>`, as "
        "`attachments`.",
    )

    def run(self, ctx: RunContext) -> None:
        """Build the message and send it; Kestra's mail task has no outputs."""
        from tiercel.plugins.notifications.mail.smtp import Server, deliver

        html, plain = self.contents(ctx)
        message = self.message(ctx, html, plain)
        strategy = ctx.render_as(self.transport_strategy, TransportStrategy)
        if strategy is TransportStrategy.SMTP_OAUTH2:
            raise TaskFailure("transportStrategy: SMTP_OAUTH2 is not supported")
        trusted = ctx.render(self.trusted_hosts) if self.trusted_hosts is not None else []
        server = Server(
            host=_required(ctx, self.host, "host"),
            port=ctx.render_as(self.port, int) if self.port is not None else None,
            username=_optional(ctx, self.username),
            password=_optional(ctx, self.password),
            strategy=strategy.value,
            timeout=ctx.render_as(self.session_timeout, int) / 1000,
            verify=ctx.render_as(self.verify_server_identity, bool),
            trusted_hosts=tuple(str(host) for host in trusted or []),
        )
        ctx.logger.debug(f"Sending an email to {message['To']}")
        deliver(server, message)
        ctx.logger.info(f"Email sent to {message['To']}")

    def contents(self, ctx: RunContext) -> tuple[str | None, str]:
        """The HTML and plain text bodies."""
        html = _optional(ctx, self.html_text_content)
        return html, _optional(ctx, self.plain_text_content) or PLAIN_DEFAULT

    def message(self, ctx: RunContext, html: str | None, plain: str) -> EmailMessage:
        """The email, with its alternatives, inline images and attachments."""
        message = EmailMessage()
        message["From"] = _required(ctx, self.from_, "from")
        message["To"] = _addresses(_required(ctx, self.to, "to"), "to")
        cc = _optional(ctx, self.cc)
        if cc:
            message["Cc"] = _addresses(cc, "cc")
        subject = _optional(ctx, self.subject)
        if subject is not None:
            message["Subject"] = subject
        message["Message-ID"] = make_msgid(domain="kestra")
        message.set_content(plain)
        if html is not None:
            message.add_alternative(html, subtype="html")
            images = _files(ctx, self.embedded_images, "embeddedImages")
            html_part = message.get_body(preferencelist=("html",))
            if html_part is None or not isinstance(html_part, EmailMessage):
                raise TaskFailure("embeddedImages: the HTML part could not be built")
            for name, content_type, data in images:
                main, _, sub = content_type.partition("/")
                html_part.add_related(data, main, sub or "octet-stream", cid=f"<{name}>",
                                      filename=name)  # fmt: skip
        for name, content_type, data in _files(ctx, self.attachments, "attachments"):
            main, _, sub = content_type.partition("/")
            message.add_attachment(data, main, sub or "octet-stream", filename=name)
        return message


def _files(ctx: RunContext, value: Any, field: str) -> list[tuple[str, str, bytes]]:
    """``(name, contentType, bytes)`` of each file a property lists."""
    if value is None:
        return []
    rendered = ctx.render(value)
    if isinstance(rendered, str):
        text = rendered.strip()
        if not text:
            return []
        try:
            rendered = json.loads(text)
            if isinstance(rendered, str):  # a JSON string holding the JSON list
                rendered = json.loads(rendered)
        except ValueError:
            raise TaskFailure(f"{field}: not a list of attachments nor its JSON") from None
    if isinstance(rendered, dict):
        rendered = [rendered]
    if not isinstance(rendered, list):
        raise TaskFailure(f"The `{field}` attribute must be a String or a List")
    files = []
    for index, item in enumerate(rendered):
        if not isinstance(item, dict) or not item.get("uri") or not item.get("name"):
            raise TaskFailure(f"{field}[{index}]: needs a `uri` and a `name`")
        uri = str(ctx.render(item["uri"]))
        try:
            data = ctx.files.read_bytes(uri)
        except (OSError, ValueError, KeyError) as exc:
            raise TaskFailure(f"{field}[{index}]: cannot read '{uri}': {exc}") from None
        content_type = str(ctx.render(item.get("contentType") or "application/octet-stream"))
        files.append((str(ctx.render(item["name"])), content_type, data))
    return files


def _addresses(text: str, field: str) -> str:
    """Semicolon- or comma-separated addresses as one header value."""
    pairs = getaddresses([part for part in text.replace(";", ",").split(",") if part.strip()])
    found = [address for _, address in pairs if "@" in address]
    if not found or len(found) != len(pairs):
        raise TaskFailure(f"{field}: '{text}' is not a list of email addresses")
    return ", ".join(text.replace(";", ",").split(",")).strip()


def _required(ctx: RunContext, value: str | None, field: str) -> str:
    rendered = _optional(ctx, value)
    if not rendered:
        raise TaskFailure(f"{field}: is required")
    return rendered


def _optional(ctx: RunContext, value: str | None) -> str | None:
    return None if value is None else str(ctx.render(value))
