"""``io.kestra.plugin.gcp.gcs.Downloads``: download the blobs under a prefix, then move or
delete them."""

from typing import Any

from pydantic import Field

from tiercel.plugins.cloud.env import Env
from tiercel.plugins.cloud.memory import Action
from tiercel.plugins.gcp.gcs.common import Filter, GcsMaxFiles, apply_action, blob_object, download
from tiercel.sdk import Property, RunContext, RunnableTask, Text, plugin


@plugin("io.kestra.plugin.gcp.gcs.Downloads")
class Downloads(GcsMaxFiles, RunnableTask):
    """Download the blobs of a bucket under a prefix, then MOVE, DELETE or keep them."""

    action: Property[Action] = Field(
        default=Action.NONE, description="MOVE or DELETE the blobs once downloaded, or NONE."
    )
    move_directory: Text | None = Field(
        default=None, description="Where MOVE puts the blobs: `gs://bucket/dir`."
    )
    validate_checksum: Property[bool] = Field(
        default=False, description="Accepted: reads are checked by the client as they go."
    )

    def run(self, ctx: RunContext) -> dict[str, Any]:
        """``blobs`` (each with the ``uri`` of its copy) and ``outputFiles`` (name: URI)."""
        env = Env.of_task(ctx)
        gcp = self.gcp(env)
        client = gcp.storage()
        blobs = self.limited(env, gcp, client, Filter.FILES)
        listed = []
        for blob in blobs:
            uri = download(env, gcp, client, blob.bucket.name, blob.name)
            listed.append({**blob_object(blob), "uri": uri})
        action = env.value(self.action, Action)
        apply_action(env, gcp, client, blobs, action.value, env.optional(self.move_directory, str))
        return {
            "blobs": listed,
            "outputFiles": {item["name"]: item["uri"] for item in listed},
        }
