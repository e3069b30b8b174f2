"""``io.kestra.plugin.core.kv.GetKeys``: list the keys of a namespace's key-value store."""

from pydantic import Field

from tiercel.plugins.core.kv.set import FLOW_NAMESPACE
from tiercel.sdk import RunnableTask, Text, plugin


@plugin("io.kestra.plugin.core.kv.GetKeys")
class GetKeys(RunnableTask):
    """List the keys, optionally only those starting with ``prefix``."""

    prefix: Text | None = Field(default=None, description="Every key when unset.")
    namespace: Text = FLOW_NAMESPACE
