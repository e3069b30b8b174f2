"""``io.kestra.plugin.aws.s3.Upload``: upload files of internal storage to S3."""

import io
import os
import threading
from typing import Any, BinaryIO
from urllib.parse import quote

from pydantic import Field

from tiercel.plugins.aws.s3.common import S3Bucket
from tiercel.plugins.cloud.env import Env
from tiercel.plugins.cloud.parallel import each
from tiercel.plugins.cloud.sdk import load
from tiercel.plugins.cloud.sources import joined, present, sources
from tiercel.sdk import LogLevel, Property, RunContext, RunnableTask, Text, plugin

PART_SIZE = 8 * 1024 * 1024
"""Files from this size up go in parts of this size (a multipart upload)."""

# Request properties that map one to one onto boto3's ExtraArgs (and PutObject's arguments).
_EXTRA_ARGS = {
    "cache_control": "CacheControl",
    "content_type": "ContentType",
    "content_encoding": "ContentEncoding",
    "content_disposition": "ContentDisposition",
    "content_language": "ContentLanguage",
    "acl": "ACL",
    "storage_class": "StorageClass",
    "server_side_encryption": "ServerSideEncryption",
    "checksum_algorithm": "ChecksumAlgorithm",
    "expected_bucket_owner": "ExpectedBucketOwner",
    "object_lock_mode": "ObjectLockMode",
    "object_lock_legal_hold_status": "ObjectLockLegalHoldStatus",
    "object_lock_retain_until_date": "ObjectLockRetainUntilDate",
    "request_payer": "RequestPayer",
}


@plugin("io.kestra.plugin.aws.s3.Upload", aliases=["io.kestra.plugin.fs.s3.Upload"])
class Upload(S3Bucket, RunnableTask):
    """Upload one or many files of internal storage to an S3 bucket."""

    from_: Property[Any] = Field(
        alias="from",
        description="A `kestra://` URI, a list of them, or a map of names to URIs (a JSON "
        "string of either works too).",
    )
    key: Text = Field(
        description="The object key for one file, or the key prefix for several files."
    )
    metadata: Property[dict[str, str]] | None = Field(
        default=None, description="Metadata stored with the object."
    )
    cache_control: Text | None = None
    content_type: Text | None = None
    content_encoding: Text | None = None
    content_disposition: Text | None = None
    content_language: Text | None = None
    content_length: Property[int] | None = Field(
        default=None, description="Accepted for compatibility: the length is the file's."
    )
    expires: Text | None = Field(default=None, description="When the object expires.")
    acl: Text | None = Field(default=None, description="A canned ACL (`private`...).")
    storage_class: Text | None = Field(default=None, description="STANDARD by default.")
    server_side_encryption: Text | None = Field(
        default=None, description="AES256, aws:kms or aws:kms:dsse."
    )
    bucket_key_enabled: Property[bool] | None = None
    checksum_algorithm: Text | None = Field(
        default=None, description="CRC32, CRC32C, SHA1 or SHA256."
    )
    expected_bucket_owner: Text | None = None
    object_lock_mode: Text | None = None
    object_lock_legal_hold_status: Text | None = None
    object_lock_retain_until_date: Text | None = None
    checksum: Text | None = Field(
        default=None, description="Accepted for compatibility: boto3 computes the checksum."
    )
    tagging: Property[dict[str, str]] | None = Field(default=None, description="Object tags.")
    concurrent_uploads: Property[int] = Field(
        default=50, description="How many files upload at once when `from` names several."
    )

    def run(self, ctx: RunContext) -> dict[str, Any]:
        """``bucket``, ``key``, and ``eTag`` and ``versionId`` for one file, or ``files``
        (each key's ``eTag``, ``versionId`` and ``contentLength``) for several.

        Each file streams from internal storage in parts (boto3's managed, multipart
        transfer), so a large file is never held in memory.
        """
        env = Env.of_task(ctx)
        aws = self.aws(env)
        bucket = env.value(self.bucket, str)
        key = env.value(self.key, str)
        files = sources(ctx.render(self.from_))
        extra = self._extra_args(env)
        client = aws.client("s3")
        config = load("boto3.s3.transfer", "aws").TransferConfig(
            multipart_threshold=PART_SIZE, multipart_chunksize=PART_SIZE, max_concurrency=8
        )
        # s3transfer reads each part of a stream into memory, ten ahead by default: four
        # bound an upload to a few parts whatever the file's size.
        config.max_in_memory_upload_chunks = 4
        single = len(files) == 1

        one_large = threading.Lock()

        def send_large(data: BinaryIO, target: str) -> None:
            path = local_path(data)
            if path is not None:
                # A file on local disk: s3transfer reads each part at its offset when it
                # sends it, instead of copying parts through memory.
                client.upload_file(path, bucket, target, ExtraArgs=extra, Config=config)
            else:
                client.upload_fileobj(data, bucket, target, ExtraArgs=extra, Config=config)

        def send(item: tuple[str, str]) -> tuple[str, dict[str, Any]]:
            name, uri = item
            target = key if single else joined(key, name)
            where = f"s3://{bucket}/{target}"
            size = ctx.files.size(uri)
            with env.open(uri) as data, aws.errors(f"Unable to upload '{uri}' to '{where}'"):
                if size < PART_SIZE:
                    # One PUT, whose answer carries the ETag: half the requests of a managed
                    # upload followed by a HEAD, which counts for thousands of small files.
                    head = client.put_object(Bucket=bucket, Key=target, Body=data, **extra)
                else:
                    # One large file at a time: each already sends its parts in parallel, and
                    # holds a few of them in memory when it is not a file of local disk.
                    with one_large:
                        send_large(data, target)
                    head = client.head_object(Bucket=bucket, Key=target)
            info = {"eTag": head.get("ETag"), "versionId": head.get("VersionId")}
            return name, {**info, "contentLength": size}

        # Several files go up at once (Kestra's concurrentUploads); the client's connection
        # pool is as large as the default.
        workers = env.value(self.concurrent_uploads, int)
        results = dict(each(list(files.items()), send, workers))
        total = sum(int(info["contentLength"]) for info in results.values())
        # Counters add up: one of each (and one log line) for the task, not one per file,
        # keeps an upload of thousands of files from writing thousands of rows.
        env.log(LogLevel.DEBUG, f"Uploaded {len(results)} file(s), {total} bytes, to '{key}'")
        ctx.metric("file.count", len(results))
        ctx.metric("file.size", total)
        if single:
            (only,) = results.values()
            return present(
                {"bucket": bucket, "key": key, "eTag": only["eTag"], "versionId": only["versionId"]}
            )
        return {"bucket": bucket, "key": key, "files": {k: present(v) for k, v in results.items()}}

    def _extra_args(self, env: Env) -> dict[str, Any]:
        extra: dict[str, Any] = {}
        for attribute, name in _EXTRA_ARGS.items():
            value = env.optional(getattr(self, attribute), str)
            if value is not None:
                extra[name] = value
        if self.metadata is not None:
            extra["Metadata"] = env.value(self.metadata, dict[str, str])
        if self.tagging is not None:
            tags = env.value(self.tagging, dict[str, str])
            extra["Tagging"] = "&".join(f"{_quote(k)}={_quote(v)}" for k, v in tags.items())
        expires = env.optional(self.expires, str)
        if expires is not None:
            extra["Expires"] = expires
        if self.bucket_key_enabled is not None:
            extra["BucketKeyEnabled"] = env.value(self.bucket_key_enabled, bool)
        return extra


def local_path(stream: BinaryIO) -> str | None:
    """The path of a stream that reads a regular file of local disk, None for any other."""
    name = getattr(stream, "name", None)
    if isinstance(stream, io.BufferedReader) and isinstance(name, str) and os.path.isfile(name):
        return name
    return None


def _quote(text: str) -> str:
    return quote(text, safe="")
