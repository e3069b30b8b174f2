"""``io.kestra.plugin.aws.s3.CreateBucket``: create a bucket."""

from typing import Any

from pydantic import Field

from tiercel.plugins.aws.connection import AwsConnection
from tiercel.plugins.cloud.env import Env
from tiercel.sdk import Property, RunContext, RunnableTask, Text, plugin

_GRANTS = {
    "grant_full_control": "GrantFullControl",
    "grant_read": "GrantRead",
    "grant_read_acp": "GrantReadACP",
    "grant_write": "GrantWrite",
    "grant_write_acp": "GrantWriteACP",
    "acl": "ACL",
}


@plugin("io.kestra.plugin.aws.s3.CreateBucket")
class CreateBucket(AwsConnection, RunnableTask):
    """Create an S3 bucket."""

    bucket: Text = Field(description="The bucket name.")
    grant_full_control: Text | None = None
    grant_read: Text | None = None
    grant_read_acp: Text | None = Field(default=None, alias="grantReadACP")
    grant_write: Text | None = None
    grant_write_acp: Text | None = Field(default=None, alias="grantWriteACP")
    acl: Text | None = Field(default=None, description="A canned ACL (`private`...).")
    object_lock_enabled_for_bucket: Property[bool] | None = None

    def run(self, ctx: RunContext) -> dict[str, Any]:
        """``bucket``, and ``region``: the location S3 answers (`/bucket`)."""
        env = Env.of_task(ctx)
        aws = self.aws(env)
        bucket = env.value(self.bucket, str)
        request: dict[str, Any] = {"Bucket": bucket}
        for attribute, name in _GRANTS.items():
            value = env.optional(getattr(self, attribute), str)
            if value is not None:
                request[name] = value
        if self.object_lock_enabled_for_bucket is not None:
            request["ObjectLockEnabledForBucket"] = env.value(
                self.object_lock_enabled_for_bucket, bool
            )
        # Outside us-east-1, S3 wants the region spelled out again in the request.
        if aws.region and aws.region != "us-east-1":
            request["CreateBucketConfiguration"] = {"LocationConstraint": aws.region}
        client = aws.client("s3")
        with aws.errors(f"Unable to create the bucket '{bucket}'"):
            response = client.create_bucket(**request)
        return {"bucket": bucket, "region": response.get("Location")}
