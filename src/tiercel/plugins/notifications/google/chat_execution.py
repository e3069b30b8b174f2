"""``io.kestra.plugin.notifications.google.GoogleChatExecution``: post Kestra's summary of an
execution to a Google Chat incoming webhook."""

from pydantic import Field

from tiercel.plugins.notifications.base import ExecutionProperties, as_json
from tiercel.plugins.notifications.google.chat_incoming_webhook import GoogleChatIncomingWebhook
from tiercel.plugins.notifications.summary import execution_summary, status_line, title
from tiercel.sdk import RunContext, Text, plugin


@plugin("io.kestra.plugin.notifications.google.GoogleChatExecution")
class GoogleChatExecution(ExecutionProperties, GoogleChatIncomingWebhook):
    """Send a Google Chat message with an execution's summary and link."""

    text: Text | None = Field(default=None, description="The message body, instead of Kestra's.")

    def body(self, ctx: RunContext) -> str:
        """``{"text": ...}`` with the namespace, flow, execution, state and final task."""
        if self.text is not None:
            return as_json({"text": str(ctx.render(self.text))})
        summary = execution_summary(ctx, self)
        execution = summary["execution"]
        last = (summary.get("lastTask") or {}).get("taskId")
        text = (
            f"Kestra Google notification: Namespace {execution['namespace']}, Flow ID "
            f"{execution['flowId']}, Execution ID {execution['id']}, Execution Status "
            f"{execution['state']['current']}, Final task ID {last}. "
            f"*<{summary.get('link', '')}|{title(summary)}>*\n> {status_line(summary)}"
        )
        return as_json({"text": text})
