"""``io.kestra.plugin.gcp.gcs.DeleteList``: delete the blobs under a prefix."""

from typing import Any

from pydantic import Field

from tiercel.plugins.cloud.env import Env
from tiercel.plugins.gcp.gcs.common import Filter, GcsListing, gs_uri
from tiercel.sdk import LogLevel, Property, RunContext, RunnableTask, TaskFailure, plugin


@plugin("io.kestra.plugin.gcp.gcs.DeleteList")
class DeleteList(GcsListing, RunnableTask):
    """Delete every blob of a bucket under a prefix (and matching `regExp`)."""

    error_on_empty: Property[bool] = Field(default=False, description="Fail when none match.")
    concurrent: int | None = Field(
        default=None, description="Accepted for compatibility: blobs go one after the other."
    )

    def run(self, ctx: RunContext) -> dict[str, Any]:
        """``count`` and ``size`` (bytes) of the blobs deleted."""
        env = Env.of_task(ctx)
        gcp = self.gcp(env)
        client = gcp.storage()
        blobs = self.blobs(env, gcp, client, Filter.BOTH, None)
        size = 0
        for blob in blobs:
            where = gs_uri(blob.bucket.name, blob.name)
            with gcp.errors(f"Unable to delete '{where}'"):
                blob.delete()
            env.log(LogLevel.DEBUG, f"Deleted '{where}'")
            size += int(blob.size or 0)
        if not blobs and env.value(self.error_on_empty, bool):
            raise TaskFailure("No files found to delete")
        ctx.metric("count", len(blobs))
        ctx.metric("size", size)
        return {"count": len(blobs), "size": size}
