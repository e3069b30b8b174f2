"""``io.kestra.plugin.aws.s3.Copy``: copy an object within S3, server side."""

from typing import Any

from pydantic import Field

from tiercel.plugins.aws.connection import AwsConnection
from tiercel.plugins.aws.s3.common import CopyObject, CopyObjectFrom, copy_object
from tiercel.plugins.cloud.env import Env
from tiercel.plugins.cloud.sources import present
from tiercel.sdk import Property, RunContext, RunnableTask, plugin


@plugin("io.kestra.plugin.aws.s3.Copy")
class Copy(AwsConnection, RunnableTask):
    """Copy an S3 object to another bucket or key, and optionally delete the source."""

    from_: CopyObjectFrom = Field(alias="from", description="The source bucket and key.")
    to: CopyObject = Field(description="The destination bucket and key.")
    delete: Property[bool] = Field(default=False, description="Delete the source afterwards.")

    def run(self, ctx: RunContext) -> dict[str, Any]:
        """``bucket``, ``key`` and ``eTag`` (and ``versionId``) of the copy."""
        env = Env.of_task(ctx)
        aws = self.aws(env)
        client = aws.client("s3")
        source: dict[str, Any] = {
            "Bucket": env.value(self.from_.bucket, str),
            "Key": env.value(self.from_.key, str),
        }
        version = env.optional(self.from_.version_id, str)
        if version is not None:
            source["VersionId"] = version
        outputs = copy_object(env, aws, client, source, self.to)
        if env.value(self.delete, bool):
            with aws.errors(f"Unable to delete 's3://{source['Bucket']}/{source['Key']}'"):
                client.delete_object(Bucket=source["Bucket"], Key=source["Key"])
        return present(outputs)
