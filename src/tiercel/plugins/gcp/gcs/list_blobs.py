"""``io.kestra.plugin.gcp.gcs.List``: list the blobs under a prefix."""

from typing import Any

from pydantic import Field

from tiercel.plugins.cloud.env import Env
from tiercel.plugins.gcp.gcs.common import Filter, GcsMaxFiles, blob_object
from tiercel.sdk import Property, RunContext, RunnableTask, plugin


@plugin("io.kestra.plugin.gcp.gcs.List")
class List(GcsMaxFiles, RunnableTask):
    """List the blobs of a Cloud Storage bucket under a prefix."""

    filter: Property[Filter] = Field(
        default=Filter.BOTH, description="FILES, DIRECTORY (names ending with `/`) or BOTH."
    )

    def run(self, ctx: RunContext) -> dict[str, Any]:
        """``blobs``: each blob's ``uri``, ``name``, ``size``, ``md5``, dates..."""
        env = Env.of_task(ctx)
        gcp = self.gcp(env)
        blobs = self.limited(env, gcp, gcp.storage(), env.value(self.filter, Filter))
        ctx.metric("size", len(blobs))
        return {"blobs": [blob_object(blob) for blob in blobs]}
