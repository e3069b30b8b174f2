"""``io.kestra.plugin.core.state.Set`` (deprecated): merge values into a state file."""

from typing import Any

from pydantic import Field

from tiercel.plugins.core.state.abstract_state import AbstractState
from tiercel.sdk import Property, plugin


@plugin(
    "io.kestra.plugin.core.state.Set",
    aliases=["io.kestra.core.tasks.states.Set"],
    deprecated=True,
)
class Set(AbstractState):
    """Merge keys into a state file (deprecated: use the KV store)."""

    data: Property[dict[str, Any]] | None = Field(
        default=None, description="Keys to add or replace; rendered."
    )
