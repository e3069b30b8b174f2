"""``io.kestra.plugin.azure.storage.blob.Downloads``: download the blobs a listing finds,
then move or delete them."""

from typing import Any

from pydantic import Field

from tiercel.plugins.azure.storage.blob.checksum import ChecksumChecked
from tiercel.plugins.azure.storage.blob.common import (
    BlobMaxFiles,
    CopyObject,
    apply_action,
    download,
)
from tiercel.plugins.cloud.env import Env
from tiercel.plugins.cloud.memory import Action
from tiercel.sdk import Property, RunContext, RunnableTask, plugin


@plugin("io.kestra.plugin.azure.storage.blob.Downloads")
class Downloads(BlobMaxFiles, ChecksumChecked, RunnableTask):
    """Download the blobs of a container matching a listing, then MOVE, DELETE or keep them."""

    action: Property[Action] = Field(
        default=Action.NONE, description="MOVE or DELETE the blobs once downloaded, or NONE."
    )
    move_to: CopyObject | None = Field(
        default=None, description="The container and name prefix MOVE moves to."
    )

    def run(self, ctx: RunContext) -> dict[str, Any]:
        """``blobs`` (each with the ``uri`` of its copy) and ``outputFiles`` (name: URI)."""
        env = Env.of_task(ctx)
        azure = self.azure(env)
        service = azure.blob_service()
        listed = self.limited(env, azure, service)
        checksum = self.checksum(env)
        blobs = [download(env, azure, service, b["container"], b["name"], checksum) for b in listed]
        apply_action(env, azure, service, listed, env.value(self.action, Action), self.move_to)
        return {"blobs": blobs, "outputFiles": {b["name"]: b["uri"] for b in blobs}}
