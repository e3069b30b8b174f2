"""``io.kestra.plugin.core.flow.EachParallel``: the older loop, all values at once."""

from typing import Any

from pydantic import Field

from tiercel.plugins.core.flow.parallel import Parallel
from tiercel.sdk import plugin


@plugin(
    "io.kestra.plugin.core.flow.EachParallel",
    aliases=["io.kestra.core.tasks.flows.EachParallel"],
    deprecated=True,
)
class EachParallel(Parallel):
    """Run the tasks for every value side by side (deprecated: use ForEach)."""

    value: str | list[Any] = Field(description="A list, or a string rendered to a JSON array.")
