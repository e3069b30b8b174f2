"""``io.kestra.plugin.azure.storage.blob.Download``: download a blob into internal storage."""

from typing import Any

from tiercel.plugins.azure.storage.blob.checksum import SingleChecksumChecked
from tiercel.plugins.azure.storage.blob.common import BlobObject, download
from tiercel.plugins.cloud.env import Env
from tiercel.sdk import RunContext, RunnableTask, plugin


@plugin("io.kestra.plugin.azure.storage.blob.Download")
class Download(BlobObject, SingleChecksumChecked, RunnableTask):
    """Download an Azure Storage blob into internal storage."""

    def run(self, ctx: RunContext) -> dict[str, Any]:
        """``blob``: its ``uri`` (the `kestra://` copy), ``container``, ``name``, ``size``..."""
        env = Env.of_task(ctx)
        azure = self.azure(env)
        container = env.value(self.container, str)
        name = env.value(self.name, str)
        service = azure.blob_service()
        return {"blob": download(env, azure, service, container, name, self.checksum(env))}
