"""``io.kestra.plugin.core.execution.Labels``: add or replace labels of the running execution."""

from typing import Any

from pydantic import Field

from tiercel.sdk import KestraModel, Task, Text, plugin


class LabelEntry(KestraModel):
    """One label in the list form; the key and the value are rendered."""

    key: Text
    value: Any


# Labels changes the execution itself: it runs in the executor, not on a worker, so it is
# neither a RunnableTask nor a FlowableTask (Kestra's ExecutionUpdatableTask).
@plugin(
    "io.kestra.plugin.core.execution.Labels", aliases=["io.kestra.core.tasks.executions.Labels"]
)
class Labels(Task):
    """Add labels to the current execution, or overwrite those with the same key."""

    labels: dict[str, Any] | list[LabelEntry] | str = Field(
        description="A map, a list of key/value pairs, or an expression rendering a JSON map."
    )
