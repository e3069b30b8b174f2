"""``io.kestra.plugin.notifications.telegram.TelegramExecution``: send Kestra's summary of an
execution to a Telegram chat."""

from tiercel.plugins.notifications.base import ExecutionProperties
from tiercel.plugins.notifications.summary import execution_summary, status_line
from tiercel.plugins.notifications.telegram.send import TelegramSend
from tiercel.sdk import RunContext, plugin


@plugin("io.kestra.plugin.notifications.telegram.TelegramExecution")
class TelegramExecution(ExecutionProperties, TelegramSend):
    """Send a Telegram message with an execution's summary and link."""

    def text(self, ctx: RunContext) -> str:
        """One line: namespace, flow, execution, state, final task, status and link."""
        summary = execution_summary(ctx, self)
        execution = summary["execution"]
        last = (summary.get("lastTask") or {}).get("taskId")
        return (
            f"<{execution['namespace']} {execution['flowId']} {execution['id']} ➛ "
            f"{execution['state']['current']} - Final task ID ➛ {last}> "
            f"{status_line(summary)} ({summary.get('link', '')})"
        )
