"""``GcsInternalStorage``: the internal storage in a Cloud Storage bucket (Kestra's
``storage-gcs``), so that executors and workers on different machines share files without a
shared disk.

``kestra:///a/b/file.txt`` is the object ``<prefix>a/b/file.txt``. Writes go up as resumable
uploads in 8 MiB chunks, so a file of any size holds one chunk in memory; Cloud Storage makes
an object visible only once its upload is finalised, so a reader sees the old content or the
new one, and an upload that fails half way leaves the old object in place. Reads come down in
8 MiB ranges of the generation that was current when the file was opened. The SDK is imported
when the storage is built (``pip install 'tiercel[gcp]'``).
"""

import builtins
import importlib
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from types import ModuleType
from typing import TYPE_CHECKING, Any, BinaryIO

from tiercel.storage.errors import StorageError, StorageFileNotFoundError
from tiercel.storage.object_keys import ObjectKeys, read_fully
from tiercel.storage.ports import InternalStorage
from tiercel.storage.provider_errors import ProviderErrors
from tiercel.storage.uris import segments_to_uri

CHUNK_SIZE = 8 * 1024 * 1024
"""The size of each resumable-upload chunk and download range (a multiple of 256 KiB)."""
_STARTUP_TIMEOUT = 10.0


@dataclass(frozen=True)
class GcsSettings:
    """Where the storage lives and how to reach it.

    Without a service account key, the application default credentials apply; with an
    endpoint (an emulator) and no key, calls are anonymous.
    """

    bucket: str
    prefix: str = ""
    endpoint: str | None = None
    project_id: str | None = None
    service_account: str | None = field(default=None, repr=False)
    """A service account's JSON key (its text)."""


class GcsInternalStorage:
    """The ``InternalStorage`` port on a Cloud Storage bucket; safe to share between threads."""

    def __init__(self, settings: GcsSettings) -> None:
        """Connect to the bucket (it must exist).

        Raises:
            StorageError: the SDK is missing, the key is malformed, or the bucket cannot be
                reached.
        """
        try:
            # Only a configuration asking for GCS pays for the SDK (and needs it installed).
            storage = importlib.import_module("google.cloud.storage")
            api = importlib.import_module("google.api_core.exceptions")
            auth = importlib.import_module("google.auth.exceptions")
            requests = importlib.import_module("requests")
            api_retry = importlib.import_module("google.cloud.storage.retry")
        except ImportError:
            raise StorageError(
                "internal storage on GCS needs google-cloud-storage: pip install 'tiercel[gcp]'"
            ) from None
        self._not_found: type[Exception] = api.NotFound
        self._errors: tuple[type[Exception], ...] = (
            api.GoogleAPIError,
            auth.GoogleAuthError,
            requests.RequestException,
        )
        self._secrets = [settings.service_account] if settings.service_account else []
        credentials, project = self._credentials(settings)
        options = {"api_endpoint": settings.endpoint} if settings.endpoint else None
        with self._failing("cannot create the Cloud Storage client"):
            self._client = storage.Client(
                project=project, credentials=credentials, client_options=options
            )
        self._bucket = self._client.bucket(settings.bucket)
        self._keys_of = ObjectKeys.under(settings.prefix)
        # The SDK retries for two minutes by default: a server start fails sooner than that.
        startup = api_retry.DEFAULT_RETRY.with_timeout(_STARTUP_TIMEOUT)
        with self._failing(f"cannot reach the bucket '{settings.bucket}'"):
            self._bucket.reload(retry=startup, timeout=_STARTUP_TIMEOUT)

    def _credentials(self, settings: GcsSettings) -> tuple[Any, str | None]:
        if settings.service_account:
            module = _sdk("google.oauth2.service_account")
            try:
                info = json.loads(settings.service_account)
                if not isinstance(info, dict):
                    raise ValueError("the key is not a JSON object")
                credentials = module.Credentials.from_service_account_info(info)
            except (ValueError, KeyError) as exc:
                raise StorageError(
                    f"invalid service account JSON key: {self._clean(exc)}"
                ) from None
            return credentials, settings.project_id or info.get("project_id")
        if settings.endpoint:
            anonymous = _sdk("google.auth.credentials").AnonymousCredentials()
            return anonymous, settings.project_id or "tiercel"
        with self._failing("cannot find the application default credentials"):
            credentials, project = _sdk("google.auth").default()
        return credentials, settings.project_id or project

    def put(self, uri: str, data: bytes | BinaryIO) -> str:
        """Store a file; see ``InternalStorage.put``."""
        segments, key = self._locate(uri)
        stream = io.BytesIO(data) if isinstance(data, bytes | bytearray) else _Rewindable(data)
        # A chunk size makes every upload resumable: the object appears only when the last
        # chunk is sent, and only one chunk of the stream is held at a time.
        blob = self._bucket.blob(key, chunk_size=CHUNK_SIZE)
        with self._failing(f"cannot store {uri}"):
            blob.upload_from_file(stream, rewind=False, content_type="application/octet-stream")
        return segments_to_uri(segments)

    def open(self, uri: str) -> BinaryIO:
        """Open a stored file for streaming reads; see ``InternalStorage.open``."""
        _, key = self._locate(uri)
        blob = self._blob(uri, key)
        if blob is None:
            raise StorageFileNotFoundError(f"no file at {uri}")
        size = int(blob.size or 0)
        if size == 0:
            return io.BytesIO(b"")
        # Pinning the generation makes a replacement during the read fail, not mix contents.
        pinned = self._bucket.blob(key, generation=blob.generation)
        raw = _Ranges(pinned, size, self._failing(f"cannot read {uri}", uri))
        return io.BufferedReader(raw, CHUNK_SIZE)

    def read_bytes(self, uri: str) -> bytes:
        """The whole content of a stored file."""
        with self.open(uri) as stream:
            return stream.read()

    def exists(self, uri: str) -> bool:
        """Whether a file is stored at ``uri``."""
        _, key = self._locate(uri)
        return self._blob(uri, key) is not None

    def size(self, uri: str) -> int:
        """The size of a stored file in bytes."""
        _, key = self._locate(uri)
        blob = self._blob(uri, key)
        if blob is None:
            raise StorageFileNotFoundError(f"no file at {uri}")
        return int(blob.size or 0)

    def delete(self, uri: str) -> bool:
        """Delete a file; tell whether it existed."""
        _, key = self._locate(uri)
        return self._delete(key, uri)

    def delete_prefix(self, prefix: str) -> builtins.list[str]:
        """Delete every file under a directory URI; return their URIs, sorted."""
        deleted = [found for found, key in self._keys(prefix) if self._delete(key, found)]
        return sorted(deleted)

    def list(self, prefix: str) -> builtins.list[str]:
        """The URIs of every file under a directory URI, sorted."""
        return sorted(found for found, _ in self._keys(prefix))

    def _delete(self, key: str, uri: str) -> bool:
        try:
            with self._failing(f"cannot delete {uri}", uri):
                self._bucket.blob(key).delete()
        except StorageFileNotFoundError:
            return False  # never stored, or deleted meanwhile by another process
        return True

    def _keys(self, prefix: str) -> Iterator[tuple[str, str]]:
        base = self._keys_of.base(prefix)
        with self._failing(f"cannot list {prefix}"):
            for blob in self._client.list_blobs(self._bucket, prefix=base):
                key = str(blob.name)
                yield self._keys_of.uri(key), key

    def _blob(self, uri: str, key: str) -> Any:
        with self._failing(f"cannot read {uri}"):
            return self._bucket.get_blob(key)

    def _locate(self, uri: str) -> tuple[tuple[str, ...], str]:
        return self._keys_of.locate(uri)

    def _failing(self, action: str, missing: str | None = None) -> ProviderErrors:
        return ProviderErrors(action, missing, self._errors, self._not_found, self._clean)

    def _clean(self, exc: BaseException) -> str:
        text = " ".join(str(exc).split())
        for secret in self._secrets:
            text = text.replace(secret, "***")
        return text


def _sdk(name: str) -> ModuleType:
    return importlib.import_module(name)


class _Rewindable(io.RawIOBase):
    """A forward-only stream with ``tell``, and ``seek`` back into the last chunk read.

    The SDK asks where the stream stands before each chunk and seeks back to resend a chunk
    the service did not confirm; keeping that one chunk serves it without a seekable source.
    """

    def __init__(self, source: BinaryIO) -> None:
        self._source = source
        self._kept = b""
        self._kept_at = 0  # the offset of the kept chunk's first byte
        self._position = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        target = {io.SEEK_SET: 0, io.SEEK_CUR: self._position}.get(whence)
        end = self._kept_at + len(self._kept)
        if target is None or not self._kept_at <= target + offset <= end:
            raise io.UnsupportedOperation("seek outside the last chunk read")
        self._position = target + offset
        return self._position

    def read(self, size: int = -1) -> bytes:
        end = self._kept_at + len(self._kept)
        replay = self._kept[self._position - self._kept_at :]
        wanted = size - len(replay) if size >= 0 else -1
        fresh = b""
        if wanted != 0:
            fresh = read_fully(self._source, wanted)
        if fresh:
            self._kept, self._kept_at = replay + fresh, self._position
            self._position = end + len(fresh)
            return self._kept
        self._position = end
        return replay

    def readinto(self, buffer: Any) -> int:
        chunk = self.read(len(buffer))
        memoryview(buffer)[: len(chunk)] = chunk
        return len(chunk)


class _Ranges(io.RawIOBase):
    """One object generation read as a raw stream, one ranged GET per call."""

    def __init__(self, blob: Any, size: int, errors: ProviderErrors) -> None:
        self._blob = blob
        self._size = size
        self._errors = errors
        self._position = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer)
        if self._position >= self._size or not len(view):
            return 0
        end = min(self._position + len(view), self._size) - 1
        with self._errors:
            chunk: bytes = self._blob.download_as_bytes(
                start=self._position, end=end, checksum=None
            )
        view[: len(chunk)] = chunk
        self._position += len(chunk)
        return len(chunk)

    def readall(self) -> bytes:
        # The default reads 8 KiB per call: one ranged GET per chunk is far fewer requests.
        parts = []
        while chunk := self.read(CHUNK_SIZE):
            parts.append(chunk)
        return b"".join(parts)


if TYPE_CHECKING:
    # mypy proves here that the adapter implements its port.
    _conforms: type[InternalStorage] = GcsInternalStorage
