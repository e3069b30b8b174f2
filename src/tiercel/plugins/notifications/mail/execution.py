"""``io.kestra.plugin.email.MailExecution``: email Kestra's summary of an execution."""

import html
from typing import Any

from pydantic import Field

from tiercel.plugins.notifications.base import ExecutionProperties
from tiercel.plugins.notifications.mail.send import PLAIN_DEFAULT, MailSend
from tiercel.plugins.notifications.summary import execution_summary, title
from tiercel.sdk import RunContext, plugin


@plugin(
    "io.kestra.plugin.email.MailExecution",
    aliases=["io.kestra.plugin.notifications.mail.MailExecution"],
)
class MailExecution(ExecutionProperties, MailSend):
    """Send an email with an execution's summary and a link to it in the UI."""

    template_render_map: dict[str, Any] | None = Field(
        default=None, description="Accepted for compatibility; the summary is built in."
    )

    def contents(self, ctx: RunContext) -> tuple[str | None, str]:
        """An HTML summary (title, custom message, status, link, details) and the plain text
        Kestra sends beside it."""
        return mail_summary(execution_summary(ctx, self)), PLAIN_DEFAULT


def mail_summary(summary: dict[str, Any]) -> str:
    """The HTML body of an execution summary."""
    execution = summary["execution"]
    first_failed = summary.get("firstFailed", False)
    status = (
        "Succeeded"
        if first_failed is False
        else f"Failed on task <code>{html.escape(str(first_failed['taskId']))}</code>"
    )
    rows = [
        ("Namespace", execution["namespace"]),
        ("Flow", execution["flowId"]),
        ("Execution", execution["id"]),
        ("Status", execution["state"]["current"]),
        *((str(k), v) for k, v in (summary.get("customFields") or {}).items()),
    ]
    parts = [
        '<!doctype html><html><head><meta charset="UTF-8">',
        f"<title>Flow {html.escape(title(summary))} execution</title></head><body>",
        f"<p><strong>{html.escape(title(summary))}</strong></p>",
    ]
    if "customMessage" in summary:
        parts.append(f"<p>{html.escape(summary['customMessage'])}</p>")
    parts.append(f"<p>{status} after {html.escape(summary['duration'])}</p>")
    if "link" in summary:
        link = html.escape(summary["link"], quote=True)
        parts.append(f'<p><a href="{link}">Open the execution</a></p>')
    parts.append("<table>")
    parts.extend(
        f"<tr><th>{html.escape(name)}</th><td>{html.escape(str(value))}</td></tr>"
        for name, value in rows
    )
    parts.append("</table></body></html>")
    return "".join(parts)
