"""The internal storage on Azure Blob passes the storage contract, against Azurite."""

import io
from typing import Any

import pytest
from azure.storage.blob import BlobServiceClient

from tests.plugins.azure.conftest import (  # noqa: F401 (Azurite's fixtures)
    ACCOUNT,
    KEY,
    azurite,
    connection_string,
)
from tests.storage.contracts import InternalStorageContract
from tiercel.storage import StorageError
from tiercel.storage import azure_blob as module
from tiercel.storage.azure_blob import AzureBlobInternalStorage, AzureBlobSettings

_CONTAINERS = iter(range(1, 10_000))


def new_container(connection: str) -> str:
    name = f"storage-{next(_CONTAINERS)}"
    BlobServiceClient.from_connection_string(connection).create_container(name)
    return name


def names(connection: str, container: str) -> list[str]:
    client: Any = BlobServiceClient.from_connection_string(connection)
    return [b.name for b in client.get_container_client(container).list_blobs()]


class TestAzureBlobInternalStorage(InternalStorageContract):
    @pytest.fixture
    def storage(self, connection_string: str) -> AzureBlobInternalStorage:  # noqa: F811
        return AzureBlobInternalStorage(
            AzureBlobSettings(
                container=new_container(connection_string),
                prefix="tiercel",
                connection_string=connection_string,
            )
        )


def test_a_shared_key_on_an_endpoint_reaches_the_container(
    azurite: str,  # noqa: F811
    connection_string: str,  # noqa: F811
) -> None:
    container = new_container(connection_string)
    storage = AzureBlobInternalStorage(
        AzureBlobSettings(
            container=container,
            endpoint=azurite,
            shared_key_account_name=ACCOUNT,
            shared_key_account_access_key=KEY,
        )
    )
    storage.put("kestra:///company/team/out%20put.txt", b"x")
    assert names(connection_string, container) == ["company/team/out put.txt"]


def test_a_missing_container_is_a_storage_error(connection_string: str) -> None:  # noqa: F811
    with pytest.raises(StorageError, match="cannot reach the container 'absent': ") as caught:
        AzureBlobInternalStorage(
            AzureBlobSettings(container="absent", connection_string=connection_string)
        )
    assert "\n" not in str(caught.value)


def test_a_wrong_key_fails_in_one_line_without_the_key(
    azurite: str,  # noqa: F811
    connection_string: str,  # noqa: F811
) -> None:
    container = new_container(connection_string)
    wrong = "d3Jvbmcta2V5LXdyb25nLWtleQ=="
    with pytest.raises(StorageError, match=f"cannot reach the container '{container}': ") as caught:
        AzureBlobInternalStorage(
            AzureBlobSettings(
                container=container,
                endpoint=azurite,
                shared_key_account_name=ACCOUNT,
                shared_key_account_access_key=wrong,
            )
        )
    assert wrong not in str(caught.value) and "\n" not in str(caught.value)


def test_a_large_file_is_staged_in_blocks_and_committed_once(
    connection_string: str,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # 1 MiB blocks make a 3.5 MiB file four staged blocks without a large payload.
    monkeypatch.setattr(module, "BLOCK_SIZE", 1024 * 1024)
    container = new_container(connection_string)
    storage = AzureBlobInternalStorage(
        AzureBlobSettings(container=container, connection_string=connection_string)
    )
    payload = bytes(range(251)) * 14_623
    uri = storage.put("kestra:///a/big.bin", io.BytesIO(payload))
    assert storage.read_bytes(uri) == payload
    client: Any = BlobServiceClient.from_connection_string(connection_string)
    blob = client.get_container_client(container).get_blob_client("a/big.bin")
    committed, uncommitted = blob.get_block_list("all")
    assert [block.size for block in committed] == [1 << 20] * 3 + [len(payload) - 3 * (1 << 20)]
    assert uncommitted == []
