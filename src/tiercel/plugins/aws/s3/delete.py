"""``io.kestra.plugin.aws.s3.Delete``: delete one object."""

from typing import Any

from pydantic import Field

from tiercel.plugins.aws.s3.common import S3Bucket
from tiercel.plugins.cloud.env import Env
from tiercel.plugins.cloud.sources import present
from tiercel.sdk import Property, RunContext, RunnableTask, Text, plugin


@plugin("io.kestra.plugin.aws.s3.Delete")
class Delete(S3Bucket, RunnableTask):
    """Delete one S3 object."""

    key: Text = Field(description="The key of the object to delete.")
    bypass_governance_retention: Property[bool] | None = Field(
        default=None, description="Bypass Object Lock governance-mode restrictions."
    )
    mfa: Text | None = Field(
        default=None, description="The MFA device's serial number, a space, and its code."
    )

    def run(self, ctx: RunContext) -> dict[str, Any]:
        """``versionId``, ``deleteMarker`` and ``requestCharged`` as S3 answers them.

        S3 answers a missing key as a success, and so does this task, as Kestra's does.
        """
        env = Env.of_task(ctx)
        aws = self.aws(env)
        bucket = env.value(self.bucket, str)
        key = env.value(self.key, str)
        request: dict[str, Any] = {"Bucket": bucket, "Key": key}
        for name, prop in (("RequestPayer", self.request_payer), ("MFA", self.mfa)):
            value = env.optional(prop, str)
            if value is not None:
                request[name] = value
        if self.bypass_governance_retention is not None:
            request["BypassGovernanceRetention"] = env.value(self.bypass_governance_retention, bool)
        client = aws.client("s3")
        with aws.errors(f"Unable to delete 's3://{bucket}/{key}'"):
            response = client.delete_object(**request)
        return present(
            {
                "versionId": response.get("VersionId"),
                "deleteMarker": response.get("DeleteMarker"),
                "requestCharged": response.get("RequestCharged"),
            }
        )
