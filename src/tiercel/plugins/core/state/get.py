"""``io.kestra.plugin.core.state.Get`` (deprecated): read a state file."""

from typing import Any

from tiercel.plugins.core.state.abstract_state import AbstractState
from tiercel.sdk import Property, RunContext, TaskFailure, plugin


@plugin(
    "io.kestra.plugin.core.state.Get",
    aliases=["io.kestra.core.tasks.states.Get"],
    deprecated=True,
)
class Get(AbstractState):
    """Read a state file (deprecated: use the KV store)."""

    error_on_missing: Property[bool] = False

    def run(self, ctx: RunContext) -> dict[str, Any]:
        """``data``: the state (empty when there is none); ``count``: its number of keys."""
        data = self.read_state(ctx)
        if data is None:
            if ctx.render_as(self.error_on_missing, bool):
                raise TaskFailure(f"State {self.state_key(ctx)} not found")
            data = {}
        return {"count": len(data), "data": data}
