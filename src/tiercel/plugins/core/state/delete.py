"""``io.kestra.plugin.core.state.Delete`` (deprecated): delete a state file."""

from tiercel.plugins.core.state.abstract_state import AbstractState
from tiercel.sdk import Property, plugin


@plugin(
    "io.kestra.plugin.core.state.Delete",
    aliases=["io.kestra.core.tasks.states.Delete"],
    deprecated=True,
)
class Delete(AbstractState):
    """Delete a state file (deprecated: use the KV store)."""

    error_on_missing: Property[bool] = False
