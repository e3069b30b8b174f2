"""``io.kestra.plugin.gcp.gcs.Download``: download a blob into internal storage."""

from typing import Any

from pydantic import Field

from tiercel.plugins.cloud.env import Env
from tiercel.plugins.gcp.connection import GcpConnection
from tiercel.plugins.gcp.gcs.common import download, parse
from tiercel.sdk import Property, RunContext, RunnableTask, Text, plugin


@plugin("io.kestra.plugin.gcp.gcs.Download", aliases=["io.kestra.plugin.fs.gcs.Download"])
class Download(GcpConnection, RunnableTask):
    """Download a Cloud Storage blob into internal storage."""

    from_: Text = Field(alias="from", description="The blob: `gs://bucket/path/file`.")
    validate_checksum: Property[bool] = Field(
        default=False,
        description="Accepted: the google-cloud-storage client checks each chunk's checksum "
        "as it reads.",
    )

    def run(self, ctx: RunContext) -> dict[str, Any]:
        """``bucket``, ``path`` and ``uri`` (the `kestra://` copy); the blob streams in."""
        env = Env.of_task(ctx)
        gcp = self.gcp(env)
        bucket, name = parse(env.value(self.from_, str))
        uri = download(env, gcp, gcp.storage(), bucket, name)
        return {"bucket": bucket, "path": name, "uri": uri}
