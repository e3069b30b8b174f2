"""``io.kestra.plugin.core.kv.GetKeys``: list the keys of a namespace's key-value store."""

from pydantic import Field

from tiercel.plugins.core.kv.set import FLOW_NAMESPACE
from tiercel.sdk import Output, RunContext, RunnableTask, Text, plugin


class GetKeysOutput(Output):
    """What ``GetKeys`` outputs."""

    keys: list[str] = Field(description="The keys found, in order.")


@plugin("io.kestra.plugin.core.kv.GetKeys")
class GetKeys(RunnableTask[GetKeysOutput]):
    """List the keys, optionally only those starting with ``prefix``."""

    prefix: Text | None = Field(default=None, description="Every key when unset.")
    namespace: Text = FLOW_NAMESPACE

    def run(self, ctx: RunContext) -> GetKeysOutput:
        """``keys``: the live keys of the namespace that start with the prefix."""
        namespace = str(ctx.render(self.namespace))
        prefix = None if self.prefix is None else str(ctx.render(self.prefix))
        return GetKeysOutput(keys=ctx.kv(namespace).keys(prefix))
