"""``io.kestra.plugin.core.trigger.Toggle``: a task that enables or disables a trigger."""

from pydantic import Field

from tiercel.sdk import Property, RunContext, RunnableTask, Text, plugin


@plugin(
    "io.kestra.plugin.core.trigger.Toggle",
    aliases=["io.kestra.core.tasks.trigger.Toggle"],
)
class Toggle(RunnableTask):
    """Enable or disable a trigger of this or another flow."""

    flow_id: Text | None = Field(default=None, description="The current flow's id when unset.")
    namespace: Text | None = Field(
        default=None, description="The current flow's namespace when unset."
    )
    trigger: Text = Field(description="The id of the trigger.")
    enabled: Property[bool] = False

    def run(self, ctx: RunContext) -> None:
        """Switch the trigger's stored state; the scheduler reads it before each evaluation."""
        flow = ctx.variables["flow"]
        namespace = flow["namespace"] if self.namespace is None else ctx.render(self.namespace)
        flow_id = flow["id"] if self.flow_id is None else ctx.render(self.flow_id)
        enabled = ctx.render_as(self.enabled, bool)
        ctx.triggers().set_enabled(namespace, flow_id, ctx.render(self.trigger), enabled)
