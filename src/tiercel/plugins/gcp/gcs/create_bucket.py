"""``io.kestra.plugin.gcp.gcs.CreateBucket``: create a bucket, or update or skip it."""

from enum import StrEnum
from typing import Any

from pydantic import Field

from tiercel.plugins.cloud.env import Env
from tiercel.plugins.cloud.sources import present
from tiercel.plugins.gcp.connection import GcpConnection
from tiercel.plugins.gcp.gcs.bucket_settings import BucketSettings
from tiercel.sdk import LogLevel, Property, RunContext, RunnableTask, TaskFailure, Text, plugin


class IfExists(StrEnum):
    """What to do when the bucket exists."""

    ERROR = "ERROR"
    UPDATE = "UPDATE"
    SKIP = "SKIP"


@plugin("io.kestra.plugin.gcp.gcs.CreateBucket")
class CreateBucket(GcpConnection, BucketSettings, RunnableTask):
    """Create a Cloud Storage bucket."""

    name: Text = Field(description="The bucket name.")
    location: Text | None = Field(default=None, description="Where the bucket lives (`EU`...).")
    storage_class: Text | None = Field(default=None, description="STANDARD, NEARLINE...")
    requester_pays: Property[bool] | None = None
    versioning_enabled: Property[bool] | None = None
    labels: Property[dict[str, str]] | None = None
    if_exists: Property[IfExists] = Field(
        default=IfExists.ERROR, description="ERROR, UPDATE or SKIP when the bucket exists."
    )

    def run(self, ctx: RunContext) -> dict[str, Any]:
        """``bucket`` (``name``, ``uri``, ``location``...), ``created`` and ``updated``."""
        env = Env.of_task(ctx)
        gcp = self.gcp(env)
        name = env.value(self.name, str)
        client = gcp.storage()
        with gcp.errors(f"Unable to create the bucket '{name}'"):
            bucket = client.lookup_bucket(name)
            created = updated = False
            if bucket is None:
                bucket = self._configured(env, client.bucket(name))
                bucket = client.create_bucket(bucket, location=env.optional(self.location, str))
                created = True
            else:
                policy = env.value(self.if_exists, IfExists)
                if policy is IfExists.ERROR:
                    raise TaskFailure(
                        f"Bucket {name} already exists and ifExists policy is set to ERROR !"
                    )
                if policy is IfExists.UPDATE:
                    self._configured(env, bucket).patch()
                    updated = True
                else:
                    env.log(LogLevel.DEBUG, f"Bucket '{name}' already exists, skipping")
        described = present(
            {
                "name": bucket.name,
                "uri": f"gs://{bucket.name}",
                "location": bucket.location,
                "storageClass": bucket.storage_class,
                "versioningEnabled": bucket.versioning_enabled,
                "requesterPays": bucket.requester_pays,
                "labels": dict(bucket.labels or {}),
            }
        )
        return {"bucket": described, "created": created, "updated": updated}

    def _configured(self, env: Env, bucket: Any) -> Any:
        storage_class = env.optional(self.storage_class, str)
        if storage_class is not None:
            bucket.storage_class = storage_class
        if self.requester_pays is not None:
            bucket.requester_pays = env.value(self.requester_pays, bool)
        if self.versioning_enabled is not None:
            bucket.versioning_enabled = env.value(self.versioning_enabled, bool)
        if self.labels is not None:
            bucket.labels = env.value(self.labels, dict[str, str])
        self.apply_settings(env, bucket)
        # The SDK's ACL helpers save through requests of their own: the access lists go in
        # the bucket's resource instead, sent with the create or the patch.
        for field, default in (("acl", False), ("defaultObjectAcl", True)):
            entries = self.acl_entries(env, default)
            if entries is not None:
                bucket._patch_property(field, entries)
        return bucket
