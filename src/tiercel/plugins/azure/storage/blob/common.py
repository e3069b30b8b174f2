"""What the Blob Storage tasks share: the container, the blob model, listing, streaming
downloads, copies, and the MOVE and DELETE actions (not a plugin)."""

import re
import time
from enum import StrEnum
from typing import Any, BinaryIO, cast

from pydantic import Field

from tiercel.plugins.azure.connection import AzureClients, AzureStorageConnection
from tiercel.plugins.azure.storage.blob.checksum import Checksum
from tiercel.plugins.cloud.env import Env
from tiercel.plugins.cloud.sources import file_name, instant, joined, present
from tiercel.sdk import KestraModel, LogLevel, Property, TaskFailure, Text

DEFAULT_MAX_FILES = 25
_COPY_POLL = 0.2  # seconds between two looks at a pending server-side copy


class Filter(StrEnum):
    """Which entries a listing keeps."""

    FILES = "FILES"
    DIRECTORY = "DIRECTORY"
    BOTH = "BOTH"


class BlobObject(AzureStorageConnection):
    """One blob: its container and name."""

    container: Text = Field(description="The container.")
    name: Text = Field(description="The blob's full name.")


def blob_model(container: str, name: str, properties: Any) -> dict[str, Any]:
    """A blob as Kestra's ``Blob`` model serialises: container, name, size, lastModified,
    eTag (``uri`` once downloaded)."""
    return present(
        {
            "container": container,
            "name": name,
            "size": getattr(properties, "size", None),
            "lastModified": instant(getattr(properties, "last_modified", None)),
            "eTag": getattr(properties, "etag", None),
        }
    )


class BlobListing(AzureStorageConnection):
    """The listing properties of ``List``, ``Downloads``, ``DeleteList`` and ``Trigger``."""

    container: Text = Field(description="The container.")
    prefix: Text | None = Field(default=None, description="Only blobs whose name begins so.")
    regexp: Text | None = Field(
        default=None, description="Only blobs whose name matches this expression (whole name)."
    )
    delimiter: Text | None = Field(
        default=None, description="List one level only, `/` separating levels."
    )
    filter: Property[Filter] = Field(
        default=Filter.FILES, description="FILES, DIRECTORY (prefixes) or BOTH."
    )

    def blobs(self, env: Env, azure: AzureClients, service: Any) -> list[dict[str, Any]]:
        """The matching blobs, as Kestra's ``Blob`` model."""
        container = env.value(self.container, str)
        prefix = env.optional(self.prefix, str)
        delimiter = env.optional(self.delimiter, str)
        text = env.optional(self.regexp, str)
        try:
            pattern = re.compile(text) if text is not None else None
        except re.error as exc:
            raise TaskFailure(f"Invalid regexp '{text}': {exc}") from None
        which = env.value(self.filter, Filter)
        client = service.get_container_client(container)
        found: list[dict[str, Any]] = []
        with azure.errors(f"Unable to list the container '{container}'"):
            items = (
                client.walk_blobs(name_starts_with=prefix, delimiter=delimiter)
                if delimiter
                else client.list_blobs(name_starts_with=prefix)
            )
            for item in items:
                directory = not hasattr(item, "size") or str(item.name).endswith("/")
                if which is Filter.FILES and directory:
                    continue
                if which is Filter.DIRECTORY and not directory:
                    continue
                if pattern is not None and not pattern.fullmatch(item.name):
                    continue
                found.append(blob_model(container, item.name, item))
        return found


class BlobMaxFiles(BlobListing):
    """A listing cut at ``maxFiles``."""

    max_files: Property[int] = Field(
        default=DEFAULT_MAX_FILES, description="Return at most this many blobs."
    )

    def limited(self, env: Env, azure: AzureClients, service: Any) -> list[dict[str, Any]]:
        """The first ``maxFiles`` matching blobs, with a warning when there were more."""
        found = self.blobs(env, azure, service)
        limit = env.value(self.max_files, int)
        if len(found) > limit:
            env.log(
                LogLevel.WARN,
                f"Listing returned {len(found)} blobs but maxFiles limit is {limit}. Only the "
                f"first {limit} blobs will be returned. Increase the maxFiles property if you "
                "need more blobs.",
            )
            return found[:limit]
        return found


class _Digesting:
    """A stream that feeds what it reads to a digest."""

    def __init__(self, stream: Any, digest: Any) -> None:
        self._stream = stream
        self._digest = digest

    def read(self, size: int = -1) -> bytes:
        chunk: bytes = self._stream.read(size)
        self._digest.update(chunk)
        return chunk


def download(
    env: Env,
    azure: AzureClients,
    service: Any,
    container: str,
    name: str,
    checksum: Checksum | None = None,
) -> dict[str, Any]:
    """Stream one blob into internal storage: its ``Blob`` model with the ``uri``; its
    checksum checked on the way when ``checksum`` asks for it."""
    digest = checksum.digest() if checksum is not None and checksum.enabled else None
    with azure.errors(f"Unable to download '{container}/{name}'"):
        stream = service.get_blob_client(container, name).download_blob(max_concurrency=2)
        source = stream if digest is None else _Digesting(stream, digest)
        uri = env.put(file_name(name) or "blob", cast(BinaryIO, source))
        properties = stream.properties
    env.metric("file.size", float(properties.size or 0))
    if checksum is not None and digest is not None:
        server_md5 = properties.content_settings.content_md5
        checksum.verify(env, f"{container}/{name}", digest, server_md5)
    return {**blob_model(container, name, properties), "uri": uri}


def copy(
    azure: AzureClients, service: Any, source: tuple[str, str], target: tuple[str, str]
) -> dict[str, Any]:
    """Copy a blob server side, waiting for the copy to end: the target's ``Blob`` model."""
    origin = service.get_blob_client(*source)
    destination = service.get_blob_client(*target)
    where = f"'{source[0]}/{source[1]}' to '{target[0]}/{target[1]}'"
    with azure.errors(f"Unable to copy {where}"):
        # An asynchronous copy: within one account it needs no access to the source URL,
        # and it has no size limit (a synchronous one stops at 256 MiB).
        destination.start_copy_from_url(origin.url)
        properties = destination.get_blob_properties()
        while properties.copy.status == "pending":
            time.sleep(_COPY_POLL)
            properties = destination.get_blob_properties()
    if properties.copy.status not in (None, "success"):
        raise TaskFailure(f"Unable to copy {where}: {properties.copy.status_description}")
    return blob_model(target[0], target[1], properties)


class CopyObject(KestraModel):
    """A container and blob name (Kestra's ``Copy.CopyObject``)."""

    container: Text = Field(description="The container.")
    name: Text = Field(description="The blob's name (a prefix for MOVE).")


def apply_action(
    env: Env,
    azure: AzureClients,
    service: Any,
    blobs: list[dict[str, Any]],
    action: str,
    move_to: CopyObject | None,
) -> None:
    """DELETE the blobs, MOVE them under ``moveTo`` (each keeps its file name), or leave them."""
    for blob in blobs:
        source = (blob["container"], blob["name"])
        if action == "MOVE":
            if move_to is None:
                raise TaskFailure("'moveTo' must be set when the action is MOVE")
            prefix = env.value(move_to.name, str)
            target = (env.value(move_to.container, str), joined(prefix, file_name(blob["name"])))
            copy(azure, service, source, target)
        if action in ("MOVE", "DELETE"):
            with azure.errors(f"Unable to delete '{source[0]}/{source[1]}'"):
                service.get_blob_client(*source).delete_blob()
