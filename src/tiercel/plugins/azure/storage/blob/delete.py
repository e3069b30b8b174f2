"""``io.kestra.plugin.azure.storage.blob.Delete``: delete one blob."""

from typing import Any

from tiercel.plugins.azure.storage.blob.common import BlobObject, blob_model
from tiercel.plugins.cloud.env import Env
from tiercel.sdk import RunContext, RunnableTask, plugin


@plugin("io.kestra.plugin.azure.storage.blob.Delete")
class Delete(BlobObject, RunnableTask):
    """Delete an Azure Storage blob."""

    def run(self, ctx: RunContext) -> dict[str, Any]:
        """``blob``: the deleted blob's ``container``, ``name`` and ``size``; a missing blob
        fails the task, as in Kestra."""
        env = Env.of_task(ctx)
        azure = self.azure(env)
        container = env.value(self.container, str)
        name = env.value(self.name, str)
        blob = azure.blob_service().get_blob_client(container, name)
        with azure.errors(f"Unable to delete '{container}/{name}'"):
            properties = blob.get_blob_properties()
            blob.delete_blob()
        return {"blob": blob_model(container, name, properties)}
