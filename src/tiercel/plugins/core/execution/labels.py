"""``io.kestra.plugin.core.execution.Labels``: add or replace labels of the running execution."""

import json
from collections.abc import Callable, Mapping
from typing import Any

from pydantic import Field

from tiercel.sdk import (
    ExecutionChange,
    ExecutionTask,
    KestraModel,
    Label,
    TaskFailure,
    Text,
    plugin,
)


class LabelEntry(KestraModel):
    """One label in the list form; the key and the value are rendered."""

    key: Text
    value: Any


# Labels changes the execution itself: it runs in the executor, not on a worker, so it is
# neither a RunnableTask nor a FlowableTask (Kestra's ExecutionUpdatableTask).
@plugin(
    "io.kestra.plugin.core.execution.Labels", aliases=["io.kestra.core.tasks.executions.Labels"]
)
class Labels(ExecutionTask):
    """Add labels to the current execution, or overwrite those with the same key."""

    labels: dict[str, Any] | list[LabelEntry] | str = Field(
        description="A map, a list of key/value pairs, or an expression rendering a JSON map."
    )

    def change(self, render: Callable[[Any], Any], variables: Mapping[str, Any]) -> ExecutionChange:
        """The rendered labels, each value as text."""
        given: Any = self.labels
        if isinstance(given, list):
            pairs = [(render(item.key), render(item.value)) for item in given]
        else:
            rendered = render(given)
            if isinstance(rendered, str):
                try:
                    rendered = json.loads(rendered)
                except json.JSONDecodeError:
                    raise TaskFailure(f"labels must render to a map, got: {rendered}") from None
            if not isinstance(rendered, dict):
                raise TaskFailure("labels must render to a map or a list of key/value pairs")
            pairs = list(rendered.items())
        labels = [Label.model_construct(key=str(k), value=_text(v)) for k, v in pairs]
        return ExecutionChange(labels=labels)


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return value if isinstance(value, str) else json.dumps(value)
