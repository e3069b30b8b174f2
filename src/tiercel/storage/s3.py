"""``S3InternalStorage``: the internal storage in an S3 bucket (Kestra's ``storage-s3``), so
that executors and workers on different machines share files without a shared disk.

``kestra:///a/b/file.txt`` is the object ``<prefix>a/b/file.txt``. Writes stream up in 8 MiB
parts (one PUT below that size); S3 makes an object visible only once its upload completes,
so a reader sees the old content or the new one, never half a file, and a failed upload leaves
the old object in place. Reads stream down. boto3 is imported when the storage is built, so
only a configuration that asks for S3 needs it (``pip install 'tiercel[aws]'``).
"""

import builtins
import importlib
import io
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, BinaryIO

from tiercel.storage.errors import StorageError, StorageFileNotFoundError
from tiercel.storage.object_keys import ObjectKeys
from tiercel.storage.ports import InternalStorage
from tiercel.storage.uris import segments_to_uri

PART_SIZE = 8 * 1024 * 1024
_READ_BUFFER = 1024 * 1024
_DELETE_BATCH = 1000  # the most keys one DeleteObjects request takes


@dataclass(frozen=True)
class S3Settings:
    """Where the storage lives and how to reach it.

    Without keys, boto3's default credential chain applies (environment, shared files,
    instance roles).
    """

    bucket: str
    prefix: str = ""
    endpoint: str | None = None
    region: str | None = None
    access_key_id: str | None = field(default=None, repr=False)
    secret_key_id: str | None = field(default=None, repr=False)
    session_token: str | None = field(default=None, repr=False)
    force_path_style: bool = False


class S3InternalStorage:
    """The ``InternalStorage`` port on an S3 bucket; safe to share between threads."""

    def __init__(self, settings: S3Settings) -> None:
        """Connect to the bucket (it must exist).

        Raises:
            StorageError: boto3 is missing, or the bucket cannot be reached.
        """
        try:
            # Only a configuration asking for S3 pays for boto3 (and needs it installed).
            boto3 = importlib.import_module("boto3")
            transfer = importlib.import_module("boto3.s3.transfer")
            config = importlib.import_module("botocore.config")
            exceptions = importlib.import_module("botocore.exceptions")
        except ImportError:
            raise StorageError(
                "internal storage on S3 needs boto3: pip install 'tiercel[aws]'"
            ) from None
        self._settings = settings
        self._errors: tuple[type[Exception], ...] = (
            exceptions.BotoCoreError,
            exceptions.ClientError,
        )
        session = boto3.session.Session(
            aws_access_key_id=settings.access_key_id or None,
            aws_secret_access_key=settings.secret_key_id or None,
            aws_session_token=settings.session_token or None,
            region_name=settings.region,
        )
        self._client = session.client(
            "s3",
            endpoint_url=settings.endpoint,
            config=config.Config(
                s3={"addressing_style": "path" if settings.force_path_style else "auto"},
                retries={"max_attempts": 5, "mode": "standard"},
                # Completing a large multipart upload may take minutes (see the S3 tasks).
                read_timeout=300,
                max_pool_connections=32,
            ),
        )
        self._transfer = transfer.TransferConfig(
            multipart_threshold=PART_SIZE, multipart_chunksize=PART_SIZE, max_concurrency=4
        )
        # s3transfer reads each part of a stream into memory, ten ahead by default: two
        # bound a write to a few parts whatever the file's size (measured on a 128 MB put
        # to moto: as fast as four or eight, 20 MB less at peak).
        self._transfer.max_in_memory_upload_chunks = 2
        self._bucket = settings.bucket
        self._keys_of = ObjectKeys.under(settings.prefix)
        with self._failing(f"cannot reach the bucket '{self._bucket}'"):
            self._client.head_bucket(Bucket=self._bucket)

    def put(self, uri: str, data: bytes | BinaryIO) -> str:
        """Store a file; see ``InternalStorage.put``."""
        segments, key = self._locate(uri)
        stream: BinaryIO = io.BytesIO(data) if isinstance(data, bytes | bytearray) else data
        path = _file_path(stream)
        with self._failing(f"cannot store {uri}"):
            if path is not None:
                # A file of local disk, unread: s3transfer reads each part at its offset as it
                # sends it, instead of copying parts through memory.
                self._client.upload_file(path, self._bucket, key, Config=self._transfer)
            else:
                self._client.upload_fileobj(stream, self._bucket, key, Config=self._transfer)
        return segments_to_uri(segments)

    def open(self, uri: str) -> BinaryIO:
        """Open a stored file for streaming reads; see ``InternalStorage.open``."""
        _, key = self._locate(uri)
        with self._failing(f"cannot read {uri}", uri):
            body = self._client.get_object(Bucket=self._bucket, Key=key)["Body"]
        return io.BufferedReader(_Body(body), _READ_BUFFER)

    def read_bytes(self, uri: str) -> bytes:
        """The whole content of a stored file."""
        with self.open(uri) as stream:
            return stream.read()

    def exists(self, uri: str) -> bool:
        """Whether a file is stored at ``uri``."""
        return self._head(uri) is not None

    def size(self, uri: str) -> int:
        """The size of a stored file in bytes."""
        head = self._head(uri)
        if head is None:
            raise StorageFileNotFoundError(f"no file at {uri}")
        return int(head["ContentLength"])

    def delete(self, uri: str) -> bool:
        """Delete a file; tell whether it existed."""
        if self._head(uri) is None:
            return False
        _, key = self._locate(uri)
        with self._failing(f"cannot delete {uri}"):
            self._client.delete_object(Bucket=self._bucket, Key=key)
        return True

    def delete_prefix(self, prefix: str) -> builtins.list[str]:
        """Delete every file under a directory URI; return their URIs, sorted."""
        found = sorted(self._keys(prefix))
        for start in range(0, len(found), _DELETE_BATCH):
            batch = [{"Key": key} for _, key in found[start : start + _DELETE_BATCH]]
            with self._failing(f"cannot delete under {prefix}"):
                self._client.delete_objects(
                    Bucket=self._bucket, Delete={"Objects": batch, "Quiet": True}
                )
        return [uri for uri, _ in found]

    def list(self, prefix: str) -> builtins.list[str]:
        """The URIs of every file under a directory URI, sorted."""
        return sorted(uri for uri, _ in self._keys(prefix))

    def _keys(self, prefix: str) -> Iterator[tuple[str, str]]:
        base = self._keys_of.base(prefix)
        paginator = self._client.get_paginator("list_objects_v2")
        with self._failing(f"cannot list {prefix}"):
            for page in paginator.paginate(Bucket=self._bucket, Prefix=base):
                for item in page.get("Contents", []):
                    key = str(item["Key"])
                    yield self._keys_of.uri(key), key

    def _head(self, uri: str) -> dict[str, Any] | None:
        _, key = self._locate(uri)
        try:
            head: dict[str, Any] = self._client.head_object(Bucket=self._bucket, Key=key)
        except self._errors as exc:
            if _status(exc) == 404:
                return None
            raise StorageError(f"cannot read {uri}: {_one_line(exc)}") from None
        return head

    def _locate(self, uri: str) -> tuple[tuple[str, ...], str]:
        return self._keys_of.locate(uri)

    def _failing(self, action: str, missing: str | None = None) -> "_Errors":
        return _Errors(action, missing, self._errors)


class _Errors:
    """Turns a boto3 error into a ``StorageError`` (``StorageFileNotFoundError`` for a
    missing object when ``missing`` names it)."""

    def __init__(
        self, action: str, missing: str | None, errors: tuple[type[Exception], ...]
    ) -> None:
        self.action = action
        self.missing = missing
        self.errors = errors

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: Any, exc: BaseException | None, tb: Any) -> None:
        if exc is None or not isinstance(exc, self.errors):
            return
        if self.missing is not None and _status(exc) == 404:
            raise StorageFileNotFoundError(f"no file at {self.missing}") from None
        raise StorageError(f"{self.action}: {_one_line(exc)}") from None


def _status(exc: BaseException) -> int | None:
    response = getattr(exc, "response", None)
    if isinstance(response, dict):
        status = response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        return int(status) if status is not None else None
    return None


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())


def _file_path(stream: BinaryIO) -> str | None:
    """The path of an unread stream over a regular file, None for any other stream."""
    name = getattr(stream, "name", None)
    if not isinstance(stream, io.BufferedReader) or not isinstance(name, str):
        return None
    return name if os.path.isfile(name) and stream.tell() == 0 else None


class _Body(io.RawIOBase):
    """An S3 object's streaming body as a raw binary stream."""

    def __init__(self, body: Any) -> None:
        self._body = body

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer)
        # At most one buffer's worth per read: a caller asking for a large block gets it
        # filled in several reads, so the body never holds a second copy of that block.
        chunk: bytes = self._body.read(min(len(view), _READ_BUFFER))
        view[: len(chunk)] = chunk
        return len(chunk)

    def close(self) -> None:
        if not self.closed:
            self._body.close()
        super().close()


if TYPE_CHECKING:
    # mypy proves here that the adapter implements its port.
    _conforms: type[InternalStorage] = S3InternalStorage
