"""``io.kestra.plugin.gcp.gcs.Copy``: copy a blob, server side."""

from typing import Any

from pydantic import Field

from tiercel.plugins.cloud.env import Env
from tiercel.plugins.gcp.connection import GcpConnection
from tiercel.plugins.gcp.gcs.common import copy
from tiercel.sdk import Property, RunContext, RunnableTask, Text, plugin


@plugin("io.kestra.plugin.gcp.gcs.Copy")
class Copy(GcpConnection, RunnableTask):
    """Copy a Cloud Storage blob to another bucket or path, and optionally delete it."""

    from_: Text = Field(alias="from", description="The source: `gs://bucket/path/file`.")
    to: Text = Field(description="The destination: `gs://bucket/path/file`.")
    delete: Property[bool] = Field(default=False, description="Delete the source afterwards.")

    def run(self, ctx: RunContext) -> dict[str, Any]:
        """``uri``: the destination."""
        env = Env.of_task(ctx)
        gcp = self.gcp(env)
        target = copy(
            gcp,
            gcp.storage(),
            env.value(self.from_, str),
            env.value(self.to, str),
            env.value(self.delete, bool),
        )
        return {"uri": target}
