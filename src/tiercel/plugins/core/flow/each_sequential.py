"""``io.kestra.plugin.core.flow.EachSequential``: the older loop, one value after the other."""

from typing import Any

from pydantic import Field

from tiercel.plugins.core.flow.sequential import Sequential
from tiercel.sdk import plugin


@plugin(
    "io.kestra.plugin.core.flow.EachSequential",
    aliases=["io.kestra.core.tasks.flows.EachSequential"],
    deprecated=True,
)
class EachSequential(Sequential):
    """Run the tasks for each value in turn (deprecated: use ForEach)."""

    value: str | list[Any] = Field(description="A list, or a string rendered to a JSON array.")
