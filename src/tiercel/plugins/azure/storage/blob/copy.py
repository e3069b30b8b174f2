"""``io.kestra.plugin.azure.storage.blob.Copy``: copy a blob, server side."""

from typing import Any

from pydantic import Field

from tiercel.plugins.azure.connection import AzureStorageConnection
from tiercel.plugins.azure.storage.blob.common import CopyObject, copy
from tiercel.plugins.cloud.env import Env
from tiercel.sdk import Property, RunContext, RunnableTask, plugin


@plugin("io.kestra.plugin.azure.storage.blob.Copy")
class Copy(AzureStorageConnection, RunnableTask):
    """Copy an Azure Storage blob to another container or name, and optionally delete it."""

    from_: CopyObject = Field(alias="from", description="The source container and name.")
    to: CopyObject = Field(description="The destination container and name.")
    delete: Property[bool] = Field(default=False, description="Delete the source afterwards.")

    def run(self, ctx: RunContext) -> dict[str, Any]:
        """``blob``: the copy's ``container``, ``name``, ``size``..."""
        env = Env.of_task(ctx)
        azure = self.azure(env)
        service = azure.blob_service()
        source = (env.value(self.from_.container, str), env.value(self.from_.name, str))
        target = (env.value(self.to.container, str), env.value(self.to.name, str))
        blob = copy(azure, service, source, target)
        if env.value(self.delete, bool):
            with azure.errors(f"Unable to delete '{source[0]}/{source[1]}'"):
                service.get_blob_client(*source).delete_blob()
        return {"blob": blob}
