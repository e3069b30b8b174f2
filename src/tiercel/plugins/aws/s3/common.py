"""What the S3 tasks share: the bucket properties, listing, downloading into internal storage,
and the MOVE and DELETE actions (not a plugin)."""

import re
from collections.abc import Iterator
from enum import StrEnum
from typing import Any, BinaryIO

from pydantic import Field

from tiercel.plugins.aws.connection import AwsClients, AwsConnection
from tiercel.plugins.cloud.env import Env
from tiercel.plugins.cloud.sources import file_name, instant, joined
from tiercel.sdk import KestraModel, Property, TaskFailure, Text

DEFAULT_MAX_KEYS = 1000
DEFAULT_MAX_FILES = 25


class Filter(StrEnum):
    """Which keys a listing keeps."""

    FILES = "FILES"
    DIRECTORY = "DIRECTORY"
    BOTH = "BOTH"


class S3Bucket(AwsConnection):
    """The bucket of an S3 object task."""

    bucket: Text = Field(description="The S3 bucket name.")
    request_payer: Text | None = Field(
        default=None, description="Sets the RequestPayer of the requests (`requester`)."
    )


class S3Listing(S3Bucket):
    """The listing properties of ``List``, ``Downloads``, ``DeleteList`` and ``Trigger``."""

    prefix: Text | None = Field(default=None, description="Only keys that begin with this prefix.")
    delimiter: Text | None = Field(
        default=None, description="A character that groups keys (not listed below it)."
    )
    marker: Text | None = Field(default=None, description="Start listing after this key.")
    encoding_type: Text | None = Field(default=None, description="The encoding of the keys.")
    max_keys: Property[int] = Field(
        default=DEFAULT_MAX_KEYS,
        description="The most objects returned, across all the pages of the listing.",
    )
    expected_bucket_owner: Text | None = Field(
        default=None, description="Fail when the bucket belongs to another account."
    )
    regexp: Text | None = Field(
        default=None, description="Only keys matching this regular expression (whole key)."
    )
    filter: Property[Filter] = Field(
        default=Filter.BOTH, description="FILES, DIRECTORY (keys ending with `/`) or BOTH."
    )

    def list_objects(self, env: Env, aws: AwsClients, client: Any) -> list[dict[str, Any]]:
        """The matching objects, as Kestra's ``S3Object`` (no ``uri``)."""
        limit = env.value(self.max_keys, int)
        request: dict[str, Any] = {
            "Bucket": env.value(self.bucket, str),
            "MaxKeys": min(limit, DEFAULT_MAX_KEYS),
        }
        optional = {
            "Prefix": self.prefix,
            "Delimiter": self.delimiter,
            "StartAfter": self.marker,
            "EncodingType": self.encoding_type,
            "ExpectedBucketOwner": self.expected_bucket_owner,
            "RequestPayer": self.request_payer,
        }
        for name, prop in optional.items():
            value = env.optional(prop, str)
            if value is not None:
                request[name] = value
        pattern = _compiled(env.optional(self.regexp, str))
        which = env.value(self.filter, Filter)
        found: list[dict[str, Any]] = []
        with aws.errors(f"Unable to list the bucket '{request['Bucket']}'"):
            for item in _pages(client, request, limit):
                key = str(item["Key"])
                if pattern is not None and not pattern.fullmatch(key):
                    continue
                if which is Filter.FILES and key.endswith("/"):
                    continue
                if which is Filter.DIRECTORY and not key.endswith("/"):
                    continue
                found.append(s3_object(item))
        return found


def _compiled(pattern: str | None) -> re.Pattern[str] | None:
    if pattern is None:
        return None
    try:
        return re.compile(pattern)
    except re.error as exc:
        raise TaskFailure(f"Invalid regexp '{pattern}': {exc}") from None


def _pages(client: Any, request: dict[str, Any], limit: int) -> Iterator[dict[str, Any]]:
    """The listed objects, page after page, at most ``limit``."""
    count = 0
    token: str | None = None
    while True:
        page = client.list_objects_v2(**request, **({"ContinuationToken": token} if token else {}))
        for item in page.get("Contents", []):
            if count >= limit:
                return
            count += 1
            yield item
        token = page.get("NextContinuationToken")
        if not page.get("IsTruncated") or not token or count >= limit:
            return


def s3_object(item: dict[str, Any]) -> dict[str, Any]:
    """A listed object as Kestra's ``S3Object`` serialises (null fields left out)."""
    result: dict[str, Any] = {
        "key": item["Key"],
        "etag": item.get("ETag"),
        "size": item.get("Size"),
        "lastModified": instant(item.get("LastModified")),
    }
    owner = item.get("Owner")
    if owner:
        result["owner"] = {"id": owner.get("ID"), "displayName": owner.get("DisplayName")}
    return {name: value for name, value in result.items() if value is not None}


class _Counted:
    """A read-only stream that counts the bytes read through it."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream
        self.count = 0

    def read(self, size: int = -1) -> bytes:
        chunk: bytes = self._stream.read(size)
        self.count += len(chunk)
        return chunk


def download(
    env: Env, aws: AwsClients, client: Any, request: dict[str, Any]
) -> tuple[dict[str, Any], str]:
    """Stream one object into internal storage: its ``get_object`` response and its URI."""
    where = f"s3://{request['Bucket']}/{request['Key']}"
    with aws.errors(f"Unable to download '{where}'"):
        response = client.get_object(**request)
        body = response["Body"]
        counted = _Counted(body)
        try:
            uri = env.put(file_name(request["Key"]) or "object", _as_binary(counted))
        finally:
            body.close()
    env.metric("file.size", counted.count)
    return response, uri


def _as_binary(stream: _Counted) -> BinaryIO:
    # The storage port reads with ``read(size)`` only; the rest of BinaryIO is never used.
    return stream  # type: ignore[return-value]


def checksum(response: dict[str, Any]) -> tuple[str | None, str | None]:
    """The first checksum S3 returned with an object, as (algorithm, base64 value)."""
    for algorithm in ("SHA256", "SHA1", "CRC32", "CRC32C"):
        value = response.get(f"Checksum{algorithm}")
        if value:
            return algorithm, str(value)
    return None, None


class CopyObject(KestraModel):
    """A bucket and key (Kestra's ``Copy.CopyObject``)."""

    bucket: Text = Field(description="The bucket.")
    key: Text = Field(description="The key.")
    server_side_encryption: Text | None = Field(
        default=None, description="AES256, aws:kms or aws:kms:dsse for the target object."
    )
    kms_key_id: Text | None = Field(
        default=None, description="The KMS key when the encryption is aws:kms."
    )


class CopyObjectFrom(CopyObject):
    """The source of a copy, with an optional version."""

    version_id: Text | None = Field(default=None, description="The object's version.")


def copy_object(
    env: Env, aws: AwsClients, client: Any, source: dict[str, Any], target: CopyObject
) -> dict[str, Any]:
    """Copy an object server-side (multipart above 8 MB, through boto3's managed copy);
    the target's bucket, key and eTag."""
    bucket = env.value(target.bucket, str)
    key = env.value(target.key, str)
    extra: dict[str, Any] = {}
    encryption = env.optional(target.server_side_encryption, str)
    if encryption is not None:
        extra["ServerSideEncryption"] = encryption
        kms = env.optional(target.kms_key_id, str)
        if kms is not None:
            extra["SSEKMSKeyId"] = kms
    where = f"s3://{source['Bucket']}/{source['Key']}"
    with aws.errors(f"Unable to copy '{where}' to 's3://{bucket}/{key}'"):
        client.copy(source, bucket, key, ExtraArgs=extra or None)
        head = client.head_object(Bucket=bucket, Key=key)
    return {
        "bucket": bucket,
        "key": key,
        "eTag": head.get("ETag"),
        "versionId": head.get("VersionId"),
    }


def apply_action(
    env: Env,
    aws: AwsClients,
    client: Any,
    bucket: str,
    keys: list[str],
    action: str,
    move_to: CopyObject | None,
) -> None:
    """Kestra's trigger actions: DELETE the objects, or MOVE them under ``moveTo``'s key
    (each keeps its file name), or leave them (NONE)."""
    if action == "DELETE":
        for key in keys:
            with aws.errors(f"Unable to delete 's3://{bucket}/{key}'"):
                client.delete_object(Bucket=bucket, Key=key)
    elif action == "MOVE":
        if move_to is None:
            raise TaskFailure("'moveTo' must be set when the action is MOVE")
        prefix = env.value(move_to.key, str)
        for key in keys:
            target = move_to.model_copy(update={"key": joined(prefix, file_name(key))})
            copy_object(env, aws, client, {"Bucket": bucket, "Key": key}, target)
            with aws.errors(f"Unable to delete 's3://{bucket}/{key}'"):
                client.delete_object(Bucket=bucket, Key=key)
