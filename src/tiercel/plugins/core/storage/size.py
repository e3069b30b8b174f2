"""``io.kestra.plugin.core.storage.Size``: the size of an internal-storage file."""

from pydantic import Field

from tiercel.sdk import Example, Output, RunContext, RunnableTask, TaskFailure, Text, plugin


class SizeOutput(Output):
    """What ``storage.Size`` outputs."""

    size: int = Field(description="The file's size in bytes.")


@plugin(
    "io.kestra.plugin.core.storage.Size",
    aliases=["io.kestra.core.tasks.storages.Size"],
    examples=[
        Example(
            "Fail a flow early when a file is empty",
            """\
id: check_size
namespace: company.team
tasks:
  - id: write
    type: io.kestra.plugin.core.storage.Write
    content: "some rows"
  - id: size
    type: io.kestra.plugin.core.storage.Size
    uri: "{{ outputs.write.uri }}"
  - id: empty
    type: io.kestra.plugin.core.execution.Fail
    condition: "{{ outputs.size.size == 0 }}"
""",
        ),
    ],
)
class Size(RunnableTask[SizeOutput]):
    """Output the size in bytes of a ``kestra://`` file."""

    uri: Text = Field(description="A `kestra://` URI.")

    def run(self, ctx: RunContext) -> SizeOutput:
        """``size``: the file's size in bytes."""
        uri = str(ctx.render(self.uri))
        try:
            return SizeOutput(size=ctx.files.size(uri))
        except FileNotFoundError:
            raise TaskFailure(f"Unable to find file '{uri}'") from None
