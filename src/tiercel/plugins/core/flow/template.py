"""``io.kestra.plugin.core.flow.Template``: include the tasks of a stored template (deprecated)."""

from pydantic import Field

from tiercel.sdk import FlowableTask, Text, plugin


@plugin(
    "io.kestra.plugin.core.flow.Template",
    aliases=["io.kestra.core.tasks.flows.Template"],
    deprecated=True,
)
class Template(FlowableTask):
    """Run the tasks of a stored template in place (deprecated: use Subflow)."""

    namespace: Text = Field(description="Namespace of the template.")
    template_id: Text = Field(description="Id of the template.")
    args: dict[str, Text] | None = Field(
        default=None, description="Values passed to the template as ``parent.outputs.args``."
    )
