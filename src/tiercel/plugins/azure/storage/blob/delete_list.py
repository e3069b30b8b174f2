"""``io.kestra.plugin.azure.storage.blob.DeleteList``: delete the blobs a listing finds."""

from typing import Any

from pydantic import Field

from tiercel.plugins.azure.storage.blob.common import BlobListing
from tiercel.plugins.cloud.env import Env
from tiercel.sdk import LogLevel, Property, RunContext, RunnableTask, TaskFailure, plugin


@plugin("io.kestra.plugin.azure.storage.blob.DeleteList")
class DeleteList(BlobListing, RunnableTask):
    """Delete every blob of a container matching a listing."""

    concurrent: int | None = Field(
        default=None, description="Accepted for compatibility: blobs go one after the other."
    )
    error_on_empty: Property[bool] = Field(default=False, description="Fail when none match.")

    def run(self, ctx: RunContext) -> dict[str, Any]:
        """``count`` and ``size`` (bytes) of the blobs deleted."""
        env = Env.of_task(ctx)
        azure = self.azure(env)
        service = azure.blob_service()
        blobs = self.blobs(env, azure, service)
        if not blobs and env.value(self.error_on_empty, bool):
            raise TaskFailure(
                f"Unable to find any files to delete on {env.value(self.container, str)} with "
                f"regexp='{env.optional(self.regexp, str)}', "
                f"prefix='{env.optional(self.prefix, str)}'"
            )
        size = 0
        for blob in blobs:
            with azure.errors(f"Unable to delete '{blob['container']}/{blob['name']}'"):
                service.get_blob_client(blob["container"], blob["name"]).delete_blob()
            size += int(blob.get("size", 0))
        ctx.metric("blobs.count", len(blobs))
        ctx.metric("blobs.size", size)
        env.log(LogLevel.INFO, f"Deleted {len(blobs)} keys for {size} bytes")
        return {"count": len(blobs), "size": size}
