"""``io.kestra.plugin.aws.s3.DeleteList``: delete the objects a listing finds."""

from typing import Any

from pydantic import Field

from tiercel.plugins.aws.s3.common import S3Listing
from tiercel.plugins.cloud.env import Env
from tiercel.sdk import Property, RunContext, RunnableTask, TaskFailure, plugin

_BATCH = 1000  # the most keys one DeleteObjects request takes


@plugin("io.kestra.plugin.aws.s3.DeleteList")
class DeleteList(S3Listing, RunnableTask):
    """Delete every object of a bucket matching a listing."""

    concurrent: int | None = Field(
        default=None,
        description="Accepted for compatibility: the objects go in batches of 1,000 keys.",
    )
    error_on_empty: Property[bool] = Field(
        default=False, description="Fail when no object matches."
    )

    def run(self, ctx: RunContext) -> dict[str, Any]:
        """``count`` and ``size`` (bytes) of the objects deleted."""
        env = Env.of_task(ctx)
        aws = self.aws(env)
        bucket = env.value(self.bucket, str)
        client = aws.client("s3")
        objects = self.list_objects(env, aws, client)
        if not objects and env.value(self.error_on_empty, bool):
            raise TaskFailure("No files found to delete")
        for start in range(0, len(objects), _BATCH):
            batch = objects[start : start + _BATCH]
            with aws.errors(f"Unable to delete objects of the bucket '{bucket}'"):
                answer = client.delete_objects(
                    Bucket=bucket,
                    Delete={"Objects": [{"Key": item["key"]} for item in batch], "Quiet": True},
                )
            errors = answer.get("Errors") or []
            if errors:
                first = errors[0]
                raise TaskFailure(
                    f"Unable to delete {len(errors)} object(s) of the bucket '{bucket}', e.g. "
                    f"'{first.get('Key')}': {first.get('Code')} {first.get('Message')}"
                )
        size = sum(int(item.get("size", 0)) for item in objects)
        ctx.metric("count", len(objects))
        ctx.metric("size", size)
        return {"count": len(objects), "size": size}
