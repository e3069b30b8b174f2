"""``io.kestra.plugin.aws.s3.Downloads``: download the objects a listing finds, then move or
delete them."""

from typing import Any

from pydantic import Field

from tiercel.plugins.aws.s3.common import CopyObject, apply_action
from tiercel.plugins.aws.s3.download import ObjectRequest, fetched
from tiercel.plugins.aws.s3.list_objects import S3MaxFiles
from tiercel.plugins.cloud.env import Env
from tiercel.plugins.cloud.memory import Action
from tiercel.plugins.cloud.parallel import each
from tiercel.sdk import Property, RunContext, RunnableTask, plugin

CONCURRENT_DOWNLOADS = 16
"""How many objects download at once (each one streams to internal storage)."""


@plugin("io.kestra.plugin.aws.s3.Downloads")
class Downloads(S3MaxFiles, ObjectRequest, RunnableTask):
    """Download the objects of a bucket matching a listing, then MOVE, DELETE or keep them."""

    action: Property[Action] = Field(
        default=Action.NONE, description="MOVE or DELETE the objects once downloaded, or NONE."
    )
    move_to: CopyObject | None = Field(
        default=None, description="The bucket and key prefix the MOVE action moves to."
    )

    def run(self, ctx: RunContext) -> dict[str, Any]:
        """``objects`` (the listed objects, each with the ``uri`` of its copy) and
        ``outputFiles`` (each key's URI)."""
        env = Env.of_task(ctx)
        aws = self.aws(env)
        bucket = env.value(self.bucket, str)
        client = aws.client("s3")
        objects = self.limited(env, self.list_objects(env, aws, client))

        def receive(item: dict[str, Any]) -> None:
            info = fetched(env, aws, client, self.get_request(env, bucket, item["key"]))
            # Each listed object takes its copy's URI (and checksum) in place: ten thousand
            # objects are not held twice.
            item["uri"] = info["uri"]
            for name in ("checksumAlgorithm", "checksumValue"):
                if name in info:
                    item[name] = info[name]

        # Objects come down several at once: one at a time waits on a round trip each.
        each(objects, receive, CONCURRENT_DOWNLOADS)
        # As Kestra: folder markers ("a/b/") are downloaded but not listed in the outputs.
        files = [item for item in objects if not item["key"].endswith("/")]
        ctx.metric("files.count", len(files))
        ctx.metric("files.size.total", sum(item.get("size") or 0 for item in files))
        action = env.value(self.action, Action)
        keys = [item["key"] for item in objects]
        apply_action(env, aws, client, bucket, keys, action.value, self.move_to)
        return {
            "objects": files,
            "outputFiles": {item["key"]: item["uri"] for item in files},
        }
