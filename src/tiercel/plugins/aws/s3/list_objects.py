"""``io.kestra.plugin.aws.s3.List``: list the objects of a bucket."""

from typing import Any

from pydantic import Field

from tiercel.plugins.aws.s3.common import DEFAULT_MAX_FILES, S3Listing
from tiercel.plugins.cloud.env import Env
from tiercel.sdk import LogLevel, Property, RunContext, RunnableTask, plugin


class S3MaxFiles(S3Listing):
    """A listing cut at ``maxFiles``, with a warning when there were more."""

    max_files: Property[int] = Field(
        default=DEFAULT_MAX_FILES, description="Return at most this many objects."
    )

    def limited(self, env: Env, objects: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """The first ``maxFiles`` objects."""
        limit = env.value(self.max_files, int)
        if len(objects) > limit:
            env.log(
                LogLevel.WARN,
                f"Listing returned {len(objects)} files but maxFiles limit is {limit}. Only "
                f"the first {limit} files will be returned. Increase the maxFiles property if "
                "you need more files.",
            )
            return objects[:limit]
        return objects


@plugin("io.kestra.plugin.aws.s3.List")
class List(S3MaxFiles, RunnableTask):
    """List the objects of an S3 bucket (a prefix, a regular expression...)."""

    def run(self, ctx: RunContext) -> dict[str, Any]:
        """``objects``: each object's ``key``, ``etag``, ``size``, ``lastModified`` and
        ``owner``."""
        env = Env.of_task(ctx)
        aws = self.aws(env)
        objects = self.list_objects(env, aws, aws.client("s3"))
        ctx.metric("s3.objects.count", len(objects))
        return {"objects": self.limited(env, objects)}
