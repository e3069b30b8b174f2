"""``io.kestra.plugin.core.kv.Delete``: remove a key from a namespace's key-value store."""

from pydantic import Field

from tiercel.plugins.core.kv.get import missing_key
from tiercel.plugins.core.kv.set import FLOW_NAMESPACE
from tiercel.sdk import Output, Property, RunContext, RunnableTask, TaskFailure, Text, plugin


class DeleteOutput(Output):
    """What ``kv.Delete`` outputs."""

    deleted: bool = Field(description="Whether the key existed and was deleted.")


@plugin("io.kestra.plugin.core.kv.Delete")
class Delete(RunnableTask[DeleteOutput]):
    """Delete a key-value pair; a missing key fails only with ``errorOnMissing``."""

    key: Text
    namespace: Text = FLOW_NAMESPACE
    error_on_missing: Property[bool] = False

    def run(self, ctx: RunContext) -> DeleteOutput:
        """``deleted``: whether the key had a value."""
        namespace = str(ctx.render(self.namespace))
        key = str(ctx.render(self.key))
        deleted = ctx.kv(namespace).delete(key)
        if not deleted and ctx.render_as(self.error_on_missing, bool):
            raise TaskFailure(missing_key(key, namespace))
        return DeleteOutput(deleted=deleted)
