"""``AzureBlobInternalStorage``: the internal storage in an Azure Blob container (Kestra's
``storage-azure``), so that executors and workers on different machines share files without a
shared disk.

``kestra:///a/b/file.txt`` is the blob ``<prefix>a/b/file.txt``. A write of one block or less
is a single PUT; a larger one stages 8 MiB blocks, holding one at a time, and commits their
list at the end. Azure makes the new content visible only at that commit, so a reader sees the
old content or the new one, and a write that fails half way leaves the old blob in place (its
uncommitted blocks are dropped by the service). Reads come down in 4 MiB ranges, each checked
against the blob's ETag, so a replacement during a read fails it instead of mixing contents.
The SDK is imported when the storage is built (``pip install 'tiercel[azure]'``).
"""

import builtins
import importlib
import io
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, BinaryIO

from tiercel.storage.errors import StorageError, StorageFileNotFoundError
from tiercel.storage.object_keys import ObjectKeys, read_fully
from tiercel.storage.ports import InternalStorage
from tiercel.storage.provider_errors import ProviderErrors
from tiercel.storage.uris import segments_to_uri

BLOCK_SIZE = 8 * 1024 * 1024
_GET_SIZE = 4 * 1024 * 1024


@dataclass(frozen=True)
class AzureBlobSettings:
    """Where the storage lives and how to reach it: a connection string, or an endpoint with
    a shared key or a SAS token (or neither, for a public container)."""

    container: str
    prefix: str = ""
    endpoint: str | None = None
    """The Blob service URL, such as ``https://ACCOUNT.blob.core.windows.net``."""
    connection_string: str | None = field(default=None, repr=False)
    shared_key_account_name: str | None = None
    shared_key_account_access_key: str | None = field(default=None, repr=False)
    sas_token: str | None = field(default=None, repr=False)


class AzureBlobInternalStorage:
    """The ``InternalStorage`` port on an Azure Blob container; safe to share between threads."""

    def __init__(self, settings: AzureBlobSettings) -> None:
        """Connect to the container (it must exist).

        Raises:
            StorageError: the SDK is missing, the settings name no account, or the container
                cannot be reached.
        """
        try:
            # Only a configuration asking for Azure pays for the SDK (and needs it installed).
            blob = importlib.import_module("azure.storage.blob")
            core = importlib.import_module("azure.core.exceptions")
        except ImportError:
            raise StorageError(
                "internal storage on Azure Blob needs azure-storage-blob: "
                "pip install 'tiercel[azure]'"
            ) from None
        self._blob = blob
        self._not_found: type[Exception] = core.ResourceNotFoundError
        self._errors: tuple[type[Exception], ...] = (core.AzureError, ValueError)
        self._secrets = [
            secret
            for secret in (
                settings.connection_string,
                settings.shared_key_account_access_key,
                settings.sas_token,
            )
            if secret
        ]
        options = {"max_single_get_size": _GET_SIZE, "max_chunk_get_size": _GET_SIZE}
        with self._failing("cannot create the Blob service client"):
            if settings.connection_string:
                service = blob.BlobServiceClient.from_connection_string(
                    settings.connection_string, **options
                )
            elif settings.endpoint:
                service = blob.BlobServiceClient(
                    settings.endpoint, credential=self._credential(settings), **options
                )
            else:
                raise StorageError(
                    "an Azure Blob internal storage needs a connection string or an endpoint"
                )
        self._container = service.get_container_client(settings.container)
        self._keys_of = ObjectKeys.under(settings.prefix)
        with self._failing(f"cannot reach the container '{settings.container}'"):
            # One retry: a server start fails fast on a wrong endpoint or key.
            self._container.get_container_properties(retry_total=1)

    @staticmethod
    def _credential(settings: AzureBlobSettings) -> Any:
        if settings.shared_key_account_name and settings.shared_key_account_access_key:
            return {
                "account_name": settings.shared_key_account_name,
                "account_key": settings.shared_key_account_access_key,
            }
        return settings.sas_token or None

    def put(self, uri: str, data: bytes | BinaryIO) -> str:
        """Store a file; see ``InternalStorage.put``."""
        segments, key = self._locate(uri)
        stream: BinaryIO = io.BytesIO(data) if isinstance(data, bytes | bytearray) else data
        client = self._container.get_blob_client(key)
        first = read_fully(stream, BLOCK_SIZE)
        with self._failing(f"cannot store {uri}"):
            if len(first) < BLOCK_SIZE:
                client.upload_blob(first, overwrite=True)
            else:
                self._stage_and_commit(client, first, stream)
        return segments_to_uri(segments)

    def _stage_and_commit(self, client: Any, block: bytes, stream: BinaryIO) -> None:
        # Writers of the same blob share its uncommitted blocks: a per-write nonce keeps their
        # ids apart, and every id of a blob has the same length, as the service requires.
        nonce = uuid.uuid4().hex
        ids: builtins.list[str] = []
        while block:
            ids.append(f"{nonce}-{len(ids):08d}")
            client.stage_block(ids[-1], block)
            block = read_fully(stream, BLOCK_SIZE)
        client.commit_block_list([self._blob.BlobBlock(block_id=i) for i in ids])

    def open(self, uri: str) -> BinaryIO:
        """Open a stored file for streaming reads; see ``InternalStorage.open``."""
        _, key = self._locate(uri)
        with self._failing(f"cannot read {uri}", uri):
            downloader = self._container.get_blob_client(key).download_blob()
        raw = _Chunks(downloader.chunks(), self._failing(f"cannot read {uri}", uri))
        return io.BufferedReader(raw, _GET_SIZE)

    def read_bytes(self, uri: str) -> bytes:
        """The whole content of a stored file."""
        with self.open(uri) as stream:
            return stream.read()

    def exists(self, uri: str) -> bool:
        """Whether a file is stored at ``uri``."""
        return self._properties(uri) is not None

    def size(self, uri: str) -> int:
        """The size of a stored file in bytes."""
        properties = self._properties(uri)
        if properties is None:
            raise StorageFileNotFoundError(f"no file at {uri}")
        return int(properties.size)

    def delete(self, uri: str) -> bool:
        """Delete a file; tell whether it existed."""
        _, key = self._locate(uri)
        return self._delete(key, uri)

    def delete_prefix(self, prefix: str) -> builtins.list[str]:
        """Delete every file under a directory URI; return their URIs, sorted."""
        found = builtins.list(self._keys(prefix))
        return sorted(uri for uri, key in found if self._delete(key, uri))

    def list(self, prefix: str) -> builtins.list[str]:
        """The URIs of every file under a directory URI, sorted."""
        return sorted(found for found, _ in self._keys(prefix))

    def _delete(self, key: str, uri: str) -> bool:
        try:
            with self._failing(f"cannot delete {uri}", uri):
                self._container.delete_blob(key)
        except StorageFileNotFoundError:
            return False  # never stored, or deleted meanwhile by another process
        return True

    def _keys(self, prefix: str) -> Iterator[tuple[str, str]]:
        base = self._keys_of.base(prefix)
        with self._failing(f"cannot list {prefix}"):
            for item in self._container.list_blobs(name_starts_with=base):
                key = str(item.name)
                yield self._keys_of.uri(key), key

    def _properties(self, uri: str) -> Any:
        _, key = self._locate(uri)
        try:
            with self._failing(f"cannot read {uri}", uri):
                return self._container.get_blob_client(key).get_blob_properties()
        except StorageFileNotFoundError:
            return None

    def _locate(self, uri: str) -> tuple[tuple[str, ...], str]:
        return self._keys_of.locate(uri)

    def _failing(self, action: str, missing: str | None = None) -> ProviderErrors:
        return ProviderErrors(action, missing, self._errors, self._not_found, self._clean)

    def _clean(self, exc: BaseException) -> str:
        # The service's message spans lines (code, request id, time): keep its first line.
        lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
        text = lines[0] if lines else type(exc).__name__
        for secret in self._secrets:
            text = text.replace(secret, "***")
        return text


class _Chunks(io.RawIOBase):
    """A blob download's chunks as a raw binary stream."""

    def __init__(self, chunks: Iterator[bytes], errors: ProviderErrors) -> None:
        self._chunks = chunks
        self._errors = errors
        self._pending = memoryview(b"")

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer)
        while not self._pending:
            with self._errors:
                chunk = next(self._chunks, None)
            if chunk is None:
                return 0
            self._pending = memoryview(chunk)
        count = min(len(view), len(self._pending))
        view[:count] = self._pending[:count]
        self._pending = self._pending[count:]
        return count


if TYPE_CHECKING:
    # mypy proves here that the adapter implements its port.
    _conforms: type[InternalStorage] = AzureBlobInternalStorage
