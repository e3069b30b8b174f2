"""``io.kestra.plugin.aws.s3.Download``: download one object, or the objects a listing finds,
into internal storage."""

from typing import Any

from pydantic import Field

from tiercel.plugins.aws.connection import AwsClients
from tiercel.plugins.aws.s3.common import (
    DEFAULT_MAX_FILES,
    DEFAULT_MAX_KEYS,
    Filter,
    S3Bucket,
    S3Listing,
    checksum,
    download,
)
from tiercel.plugins.cloud.env import Env
from tiercel.plugins.cloud.sources import present
from tiercel.sdk import LogLevel, Property, RunContext, RunnableTask, TaskFailure, Text, plugin


class ObjectRequest(S3Bucket):
    """How a ``GetObject`` request is made (version, owner, checksum mode)."""

    expected_bucket_owner: Text | None = Field(
        default=None, description="Fail when the bucket belongs to another account."
    )
    validate_checksum: Property[bool] = Field(
        default=False,
        description="Verify the checksum S3 stored with the object while downloading it.",
    )

    def get_request(self, env: Env, bucket: str, key: str) -> dict[str, Any]:
        """The arguments of ``get_object`` for one key."""
        request: dict[str, Any] = {"Bucket": bucket, "Key": key}
        for name, prop in (
            ("RequestPayer", self.request_payer),
            ("ExpectedBucketOwner", self.expected_bucket_owner),
        ):
            value = env.optional(prop, str)
            if value is not None:
                request[name] = value
        if env.value(self.validate_checksum, bool):
            request["ChecksumMode"] = "ENABLED"
        return request


def fetched(env: Env, aws: AwsClients, client: Any, request: dict[str, Any]) -> dict[str, Any]:
    """Download one object: Kestra's ``FileInfo`` of it."""
    response, uri = download(env, aws, client, request)
    algorithm, value = checksum(response)
    if request.get("ChecksumMode") == "ENABLED" and algorithm is None:
        env.log(
            LogLevel.WARN,
            f"Checksum validation requested for key '{request['Key']}' but the object has "
            "no stored checksum; transfer was not verified.",
        )
    return present(
        {
            "uri": uri,
            "eTag": response.get("ETag"),
            "contentLength": response.get("ContentLength"),
            "contentType": response.get("ContentType"),
            "metadata": response.get("Metadata") or {},
            "versionId": response.get("VersionId"),
            "checksumAlgorithm": algorithm,
            "checksumValue": value,
        }
    )


@plugin("io.kestra.plugin.aws.s3.Download")
class Download(ObjectRequest, RunnableTask):
    """Download an S3 object, or every object under a prefix, into internal storage."""

    key: Text | None = Field(default=None, description="The key of the one object to download.")
    version_id: Text | None = Field(default=None, description="The object's version.")
    prefix: Text | None = Field(default=None, description="Download the objects under it.")
    delimiter: Text | None = None
    marker: Text | None = None
    max_keys: Property[int] = DEFAULT_MAX_KEYS
    regexp: Text | None = Field(default=None, description="Download the keys matching it.")
    max_files: Property[int] = Field(
        default=DEFAULT_MAX_FILES, description="Download at most this many objects."
    )

    def run(self, ctx: RunContext) -> dict[str, Any]:
        """One object: ``uri``, ``eTag``, ``contentLength``, ``contentType``, ``metadata``,
        ``versionId``, ``checksumAlgorithm``, ``checksumValue``. Several: ``files``, each
        key's same fields. The body streams into internal storage."""
        env = Env.of_task(ctx)
        aws = self.aws(env)
        bucket = env.value(self.bucket, str)
        client = aws.client("s3")
        listing = self.prefix is not None or self.delimiter is not None or self.regexp is not None
        if self.key is not None and not listing:
            request = self.get_request(env, bucket, env.value(self.key, str))
            version = env.optional(self.version_id, str)
            if version is not None:
                request["VersionId"] = version
            return fetched(env, aws, client, request)
        if not listing:
            raise TaskFailure(
                "Invalid configuration: either specify 'key' for single file download or at "
                "least one filtering parameter (prefix, delimiter, regexp) for multiple files "
                "download"
            )
        shared: dict[str, Any] = {
            name: getattr(self, name, None) for name in S3Listing.model_fields if name != "filter"
        }
        lister = S3Listing.model_construct(
            **shared,
            filter=Filter.FILES,
        )
        objects = lister.list_objects(env, aws, client)[: env.value(self.max_files, int)]
        if not objects:
            env.log(LogLevel.WARN, "No objects found matching the filter criteria")
        files = {
            item["key"]: fetched(env, aws, client, self.get_request(env, bucket, item["key"]))
            for item in objects
        }
        return {"files": files}
