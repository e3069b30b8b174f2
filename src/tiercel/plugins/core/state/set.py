"""``io.kestra.plugin.core.state.Set`` (deprecated): merge values into a state file."""

import json
from typing import Any

from pydantic import Field

from tiercel.plugins.core.state.abstract_state import AbstractState
from tiercel.sdk import Property, RunContext, TaskFailure, plugin


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

    def run(self, ctx: RunContext) -> dict[str, Any]:
        """``count``: how many keys the state holds now; ``key``: its KV key."""
        data = ctx.render(self.data) or {}
        if isinstance(data, str):
            # An expression renders a map as its JSON text.
            data = json.loads(data)
        if not isinstance(data, dict):
            raise TaskFailure(f"`data` must be a map, not {type(data).__name__}")
        key, merged = self.merge_state(ctx, data)
        return {"count": len(merged), "key": key}
