"""``io.kestra.plugin.core.trigger.Toggle``: a task that enables or disables a trigger."""

from pydantic import Field

from tiercel.sdk import Property, RunnableTask, Text, plugin


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
