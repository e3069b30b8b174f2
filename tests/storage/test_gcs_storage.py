"""The internal storage on GCS passes the storage contract, against gcp-storage-emulator."""

import io
from typing import Any

import pytest
from google.auth.credentials import AnonymousCredentials
from google.cloud import storage as gcs

from tests.plugins.gcp.conftest import gcs_endpoint  # noqa: F401 (the emulator's fixture)
from tests.storage.contracts import InternalStorageContract
from tiercel.storage import StorageError
from tiercel.storage import gcs as module
from tiercel.storage.gcs import GcsInternalStorage, GcsSettings

_BUCKETS = iter(range(1, 10_000))


def client(endpoint: str) -> Any:
    return gcs.Client(
        project="tiercel",
        credentials=AnonymousCredentials(),
        client_options={"api_endpoint": endpoint},
    )


def new_bucket(endpoint: str) -> str:
    name = f"storage-{next(_BUCKETS)}"
    client(endpoint).create_bucket(name)
    return name


class TestGcsInternalStorage(InternalStorageContract):
    @pytest.fixture
    def storage(self, gcs_endpoint: str) -> GcsInternalStorage:  # noqa: F811
        return GcsInternalStorage(
            GcsSettings(bucket=new_bucket(gcs_endpoint), prefix="tiercel", endpoint=gcs_endpoint)
        )


def test_a_missing_bucket_is_a_storage_error(gcs_endpoint: str) -> None:  # noqa: F811
    with pytest.raises(StorageError, match="cannot reach the bucket 'absent': 404"):
        GcsInternalStorage(GcsSettings(bucket="absent", endpoint=gcs_endpoint))


def test_a_malformed_service_account_names_the_problem_not_the_key() -> None:
    key = '{"type": "service_account", "private_key": "s3cr3t-material"}'
    with pytest.raises(StorageError, match="invalid service account JSON key") as caught:
        GcsInternalStorage(GcsSettings(bucket="b", service_account=key))
    assert "s3cr3t-material" not in str(caught.value)
    assert "\n" not in str(caught.value)


def test_files_are_objects_under_the_prefix(gcs_endpoint: str) -> None:  # noqa: F811
    bucket = new_bucket(gcs_endpoint)
    storage = GcsInternalStorage(GcsSettings(bucket=bucket, prefix="/base/", endpoint=gcs_endpoint))
    storage.put("kestra:///company/team/out%20put.txt", b"x")
    names = [blob.name for blob in client(gcs_endpoint).list_blobs(bucket)]
    assert names == ["base/company/team/out put.txt"]


def test_a_file_of_several_chunks_streams_both_ways(
    gcs_endpoint: str,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Small chunks (the minimum Cloud Storage takes) make a 1.3 MiB file several uploads and
    # several ranged reads without a large payload.
    monkeypatch.setattr(module, "CHUNK_SIZE", 256 * 1024)
    storage = GcsInternalStorage(
        GcsSettings(bucket=new_bucket(gcs_endpoint), endpoint=gcs_endpoint)
    )
    payload = bytes(range(251)) * 5_500
    uri = storage.put("kestra:///a/big.bin", io.BytesIO(payload))
    with storage.open(uri) as stream:
        parts = []
        while part := stream.read(100_000):
            parts.append(part)
    assert b"".join(parts) == payload
    assert len(parts) == len(payload) // 100_000 + 1
