"""``io.kestra.plugin.azure.storage.blob.List``: list the blobs of a container."""

from typing import Any

from tiercel.plugins.azure.storage.blob.common import BlobMaxFiles
from tiercel.plugins.cloud.env import Env
from tiercel.sdk import RunContext, RunnableTask, plugin


@plugin("io.kestra.plugin.azure.storage.blob.List")
class List(BlobMaxFiles, RunnableTask):
    """List the blobs of an Azure Storage container (a prefix, a regular expression...)."""

    def run(self, ctx: RunContext) -> dict[str, Any]:
        """``blobs``: each blob's ``container``, ``name``, ``size``, ``lastModified``, ``eTag``."""
        env = Env.of_task(ctx)
        azure = self.azure(env)
        blobs = self.limited(env, azure, azure.blob_service())
        ctx.metric("blobs.count", len(blobs))
        return {"blobs": blobs}
