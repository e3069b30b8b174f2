"""``io.kestra.plugin.core.kv.Get``: read a value from a namespace's key-value store."""

from tiercel.plugins.core.kv.set import FLOW_NAMESPACE
from tiercel.sdk import Property, RunnableTask, Text, plugin


@plugin("io.kestra.plugin.core.kv.Get")
class Get(RunnableTask):
    """Read the value of a key; null when missing unless ``errorOnMissing``."""

    key: Text
    namespace: Text = FLOW_NAMESPACE
    error_on_missing: Property[bool] = False
