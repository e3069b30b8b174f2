"""``io.kestra.plugin.gcp.gcs.Delete``: delete one blob."""

from typing import Any

from pydantic import Field

from tiercel.plugins.cloud.env import Env
from tiercel.plugins.gcp.connection import GcpConnection
from tiercel.plugins.gcp.gcs.common import gs_uri, parse
from tiercel.sdk import Property, RunContext, RunnableTask, TaskFailure, Text, plugin


@plugin("io.kestra.plugin.gcp.gcs.Delete")
class Delete(GcpConnection, RunnableTask):
    """Delete a Cloud Storage blob."""

    uri: Text = Field(description="The blob: `gs://bucket/path/file`.")
    error_on_missing: Property[bool] = Field(
        default=False, description="Fail when there is no such blob."
    )

    def run(self, ctx: RunContext) -> dict[str, Any]:
        """``uri`` and ``deleted`` (false when there was no such blob)."""
        env = Env.of_task(ctx)
        gcp = self.gcp(env)
        bucket, name = parse(env.value(self.uri, str))
        target = gs_uri(bucket, name)
        client = gcp.storage()
        with gcp.errors(f"Unable to delete '{target}'"):
            blob = client.bucket(bucket).get_blob(name)
            if blob is not None:
                blob.delete()
        if blob is None and env.value(self.error_on_missing, bool):
            raise TaskFailure(f"Unable to find file '{target}'")
        return {"uri": target, "deleted": blob is not None}
