"""``io.kestra.plugin.notifications.opsgenie.OpsgenieExecution``: create an Opsgenie alert
with Kestra's summary of an execution."""

from typing import Any

from pydantic import Field

from tiercel.plugins.notifications.base import ExecutionProperties, as_json
from tiercel.plugins.notifications.opsgenie.alert import OpsgenieAlert
from tiercel.plugins.notifications.summary import execution_summary, status_line, title
from tiercel.sdk import Property, RunContext, Text, plugin


@plugin("io.kestra.plugin.notifications.opsgenie.OpsgenieExecution")
class OpsgenieExecution(ExecutionProperties, OpsgenieAlert):
    """Create an Opsgenie alert describing an execution, with its link."""

    message: Text | None = Field(default=None, description="The alert's message.")
    alias: Text | None = Field(default=None, description="The alert's alias (deduplication).")
    responders: Property[dict[str, Text]] | None = Field(
        default=None, description="Responders, each id with its type (`team`, `user`...)."
    )
    visible_to: Property[dict[str, Text]] | None = Field(
        default=None, description="Who sees the alert, each id with its type."
    )
    tags: Property[list[Text]] | None = Field(default=None, description="The alert's tags.")
    priority: Text | None = Field(default=None, description="`P1` to `P5`.")

    def body(self, ctx: RunContext) -> str:
        """An Alert API body: ``message``, ``alias``, ``responders``, ``visibleTo``, ``tags``,
        ``priority`` and a ``description`` with the execution's summary."""
        summary = execution_summary(ctx, self)
        last = (summary.get("lastTask") or {}).get("taskId")
        alert: dict[str, Any] = {
            "description": f"*<{summary.get('link', '')}|{title(summary)} - Final task ID "
            f"{last}>*\n> {status_line(summary)}"
        }
        for key, value in (("message", self.message), ("alias", self.alias)):
            if value is not None:
                alert[key] = str(ctx.render(value))
        for key, pairs in (("responders", self.responders), ("visibleTo", self.visible_to)):
            rendered = ctx.render(pairs) if pairs is not None else None
            if rendered:
                alert[key] = [{"id": str(k), "type": str(v)} for k, v in rendered.items()]
        tags = ctx.render(self.tags) if self.tags is not None else None
        if tags:
            alert["tags"] = [str(tag) for tag in tags]
        if self.priority is not None:
            alert["priority"] = str(ctx.render(self.priority))
        return as_json(alert)
