"""What the GCS tasks share: ``gs://`` URIs, the blob model, listing, streaming downloads,
and the MOVE and DELETE actions (not a plugin)."""

import re
from enum import StrEnum
from typing import Any

from pydantic import Field

from tiercel.plugins.cloud.env import Env
from tiercel.plugins.cloud.sources import file_name, instant, joined, present
from tiercel.plugins.gcp.connection import GcpClients, GcpConnection
from tiercel.sdk import LogLevel, Property, TaskFailure, Text

DEFAULT_MAX_FILES = 25
CHUNK = 8 * 1024 * 1024
"""Bytes per request of a resumable upload: what an upload holds in memory at most."""


class ListingType(StrEnum):
    """DIRECTORY lists one level (``/`` as delimiter); RECURSIVE lists everything below."""

    DIRECTORY = "DIRECTORY"
    RECURSIVE = "RECURSIVE"


class Filter(StrEnum):
    """Which entries a listing keeps."""

    FILES = "FILES"
    DIRECTORY = "DIRECTORY"
    BOTH = "BOTH"


def parse(uri: str) -> tuple[str, str]:
    """``gs://bucket/path`` as (bucket, path); ``+`` stands for a space, as in Kestra."""
    match = re.fullmatch(r"gs://([^/]+)/?(.*)", uri.strip().replace("%20", " "))
    if match is None:
        raise TaskFailure(f"Invalid GCS URI '{uri}': expected gs://bucket/path")
    return match.group(1), match.group(2).replace("+", " ")


def gs_uri(bucket: str, name: str) -> str:
    """A blob's URI as Kestra writes it (spaces as ``+``)."""
    return f"gs://{bucket}/{name.replace(' ', '+')}"


def blob_object(blob: Any) -> dict[str, Any]:
    """A blob as Kestra's ``Blob`` model serialises (null fields left out)."""
    return present(
        {
            "uri": gs_uri(blob.bucket.name, blob.name),
            "bucket": blob.bucket.name,
            "name": blob.name,
            "generatedId": blob.id,
            "selfLink": blob.self_link,
            "cacheControl": blob.cache_control,
            "size": blob.size,
            "etag": blob.etag,
            "md5": blob.md5_hash,
            "crc32c": blob.crc32c,
            "mediaLink": blob.media_link,
            "metadata": blob.metadata,
            "metaGeneration": blob.metageneration,
            "updateTime": instant(blob.updated),
            "createTime": instant(blob.time_created),
            "contentType": blob.content_type,
            "contentEncoding": blob.content_encoding,
            "contentDisposition": blob.content_disposition,
            "contentLanguage": blob.content_language,
            "componentCount": blob.component_count,
            "isDirectory": blob.name.endswith("/"),
            "kmsKeyName": blob.kms_key_name,
            "eventBasedHold": blob.event_based_hold,
            "temporaryHold": blob.temporary_hold,
        }
    )


class GcsListing(GcpConnection):
    """The listing properties of ``List``, ``Downloads``, ``DeleteList`` and ``Trigger``."""

    from_: Text = Field(alias="from", description="The prefix to list: `gs://bucket/dir/`.")
    all_versions: Property[bool] | None = Field(
        default=None, description="List every version of each blob."
    )
    listing_type: Property[ListingType] = Field(
        default=ListingType.DIRECTORY,
        description="DIRECTORY: this level only; RECURSIVE: everything below the prefix.",
    )
    reg_exp: Text | None = Field(
        default=None, description="Only blobs whose `gs://` URI matches this expression."
    )

    def blobs(
        self, env: Env, gcp: GcpClients, client: Any, which: Filter, limit: int | None
    ) -> list[Any]:
        """The matching blobs (``limit`` + 1 at most, so callers can tell there were more)."""
        bucket, prefix = parse(env.value(self.from_, str))
        pattern_text = env.optional(self.reg_exp, str)
        try:
            pattern = re.compile(pattern_text) if pattern_text is not None else None
        except re.error as exc:
            raise TaskFailure(f"Invalid regExp '{pattern_text}': {exc}") from None
        options: dict[str, Any] = {"prefix": prefix or None}
        if env.value(self.listing_type, ListingType) is ListingType.DIRECTORY:
            options["delimiter"] = "/"
        if self.all_versions is not None:
            options["versions"] = env.value(self.all_versions, bool)
        found: list[Any] = []
        with gcp.errors(f"Unable to list 'gs://{bucket}/{prefix}'"):
            for blob in client.list_blobs(bucket, **options):
                directory = blob.name.endswith("/")
                if which is Filter.FILES and directory:
                    continue
                if which is Filter.DIRECTORY and not directory:
                    continue
                if pattern is not None and not pattern.fullmatch(gs_uri(bucket, blob.name)):
                    continue
                found.append(blob)
                if limit is not None and len(found) > limit:
                    break
        return found


class GcsMaxFiles(GcsListing):
    """A listing cut at ``maxFiles``."""

    max_files: Property[int] = Field(
        default=DEFAULT_MAX_FILES, description="Return at most this many blobs."
    )

    def limited(self, env: Env, gcp: GcpClients, client: Any, which: Filter) -> list[Any]:
        """The first ``maxFiles`` matching blobs, with a warning when there were more."""
        limit = env.value(self.max_files, int)
        found = self.blobs(env, gcp, client, which, limit)
        if len(found) > limit:
            env.log(
                LogLevel.WARN,
                f"Results for '{env.value(self.from_, str)}' exceeded the maxFiles limit "
                f"({limit}); remaining items were skipped.",
            )
            return found[:limit]
        return found


def download(env: Env, gcp: GcpClients, client: Any, bucket: str, name: str) -> str:
    """Stream one blob into internal storage; its ``kestra://`` URI."""
    where = gs_uri(bucket, name)
    with gcp.errors(f"Unable to download '{where}'"):
        blob = client.bucket(bucket).get_blob(name)
        if blob is None:
            raise TaskFailure(f"Unable to find blob on bucket '{bucket}' with path '{name}'")
        with blob.open("rb", chunk_size=CHUNK) as data:
            uri = env.put(file_name(name) or "blob", data)
    env.metric("file.size", float(blob.size or 0))
    return uri


def copy(gcp: GcpClients, client: Any, source: str, target: str, delete: bool) -> str:
    """Copy a blob server side (and delete the source); the target's URI."""
    from_bucket, from_name = parse(source)
    to_bucket, to_name = parse(target)
    with gcp.errors(f"Unable to copy '{source}' to '{target}'"):
        bucket = client.bucket(from_bucket)
        blob = bucket.blob(from_name)
        destination = client.bucket(to_bucket).blob(to_name)
        token, _, _ = destination.rewrite(blob)
        while token is not None:  # a large copy between locations goes in several calls
            token, _, _ = destination.rewrite(blob, token=token)
        if delete:
            blob.delete()
    return gs_uri(to_bucket, to_name)


def apply_action(
    env: Env, gcp: GcpClients, client: Any, blobs: list[Any], action: str, move_to: str | None
) -> None:
    """DELETE the blobs, MOVE them into ``moveDirectory`` (each keeps its file name), or
    leave them (NONE)."""
    if action == "DELETE":
        for blob in blobs:
            with gcp.errors(f"Unable to delete '{gs_uri(blob.bucket.name, blob.name)}'"):
                blob.delete()
    elif action == "MOVE":
        if move_to is None:
            raise TaskFailure("'moveDirectory' must be set when the action is MOVE")
        for blob in blobs:
            source = gs_uri(blob.bucket.name, blob.name)
            copy(gcp, client, source, joined(move_to, file_name(blob.name)), delete=True)
