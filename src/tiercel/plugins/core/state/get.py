"""``io.kestra.plugin.core.state.Get`` (deprecated): read a state file."""

from tiercel.plugins.core.state.abstract_state import AbstractState
from tiercel.sdk import Property, plugin


@plugin(
    "io.kestra.plugin.core.state.Get",
    aliases=["io.kestra.core.tasks.states.Get"],
    deprecated=True,
)
class Get(AbstractState):
    """Read a state file (deprecated: use the KV store)."""

    error_on_missing: Property[bool] = False
