"""``io.kestra.plugin.core.flow.Switch``: choose a branch by value."""

from typing import Annotated

from pydantic import Field

from tiercel.sdk import AnyTask, FlowableTask, Text, Violation, plugin

NO_TASK = "No task defined, neither cases or default have any tasks"


@plugin("io.kestra.plugin.core.flow.Switch", aliases=["io.kestra.core.tasks.flows.Switch"])
class Switch(FlowableTask):
    """Run the tasks of the case whose key equals the rendered value, else the defaults."""

    value: Annotated[Text, Field(min_length=1)] = Field(
        description="Rendered, then compared with each key of ``cases``."
    )
    cases: dict[Text, list[AnyTask]] | None = Field(
        default=None, description="Tasks to run, by the value that selects them."
    )
    defaults: list[AnyTask] | None = Field(
        default=None, description="Tasks run when no case matches."
    )

    def violations(self) -> list[Violation]:
        """A switch needs at least one case or default."""
        found = super().violations()
        if not self.cases and not self.defaults:
            found.append(Violation((), NO_TASK))
        return found
