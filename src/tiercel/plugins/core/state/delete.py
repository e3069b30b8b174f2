"""``io.kestra.plugin.core.state.Delete`` (deprecated): delete a state file."""

from typing import Any

from tiercel.plugins.core.state.abstract_state import AbstractState
from tiercel.sdk import Property, RunContext, TaskFailure, plugin


@plugin(
    "io.kestra.plugin.core.state.Delete",
    aliases=["io.kestra.core.tasks.states.Delete"],
    deprecated=True,
)
class Delete(AbstractState):
    """Delete a state file (deprecated: use the KV store)."""

    error_on_missing: Property[bool] = False

    def run(self, ctx: RunContext) -> dict[str, Any]:
        """``deleted``: whether there was a state."""
        deleted = self.delete_state(ctx)
        if not deleted and ctx.render_as(self.error_on_missing, bool):
            raise TaskFailure(f"Unable to find the state file '{self.state_name(ctx)}'")
        return {"deleted": deleted}
