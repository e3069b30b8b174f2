"""``io.kestra.plugin.core.kv.Delete``: remove a key from a namespace's key-value store."""

from tiercel.plugins.core.kv.set import FLOW_NAMESPACE
from tiercel.sdk import Property, RunnableTask, Text, plugin


@plugin("io.kestra.plugin.core.kv.Delete")
class Delete(RunnableTask):
    """Delete a key-value pair; a missing key fails only with ``errorOnMissing``."""

    key: Text
    namespace: Text = FLOW_NAMESPACE
    error_on_missing: Property[bool] = False
