"""The internal storage on S3 passes the storage contract, against a moto server."""

from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest

from tests.plugins.cloud_services import executable, free_port, service
from tests.storage.contracts import InternalStorageContract
from tiercel.storage import StorageError
from tiercel.storage.s3 import S3InternalStorage, S3Settings

KEYS = {"access_key_id": "AKIASTORAGE", "secret_key_id": "storage-secret", "region": "us-east-1"}


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    port = free_port()
    log = Path(tmp_path_factory.mktemp("moto")) / "moto.log"
    with service([executable("moto_server"), "-H", "127.0.0.1", "-p", str(port)], port, log):
        yield f"http://127.0.0.1:{port}"


_BUCKETS = iter(range(1, 10_000))


def new_bucket(endpoint: str) -> str:
    name = f"storage-{next(_BUCKETS)}"
    boto3.client(
        "s3",
        endpoint_url=endpoint,
        aws_access_key_id=KEYS["access_key_id"],
        aws_secret_access_key=KEYS["secret_key_id"],
        region_name=KEYS["region"],
    ).create_bucket(Bucket=name)
    return name


class TestS3InternalStorage(InternalStorageContract):
    @pytest.fixture
    def storage(self, endpoint: str) -> S3InternalStorage:
        return S3InternalStorage(
            S3Settings(bucket=new_bucket(endpoint), prefix="tiercel", endpoint=endpoint, **KEYS)
        )


def test_a_missing_bucket_is_a_storage_error(endpoint: str) -> None:
    with pytest.raises(StorageError, match="cannot reach the bucket 'absent'"):
        S3InternalStorage(S3Settings(bucket="absent", endpoint=endpoint, **KEYS))


def test_files_are_objects_under_the_prefix(endpoint: str) -> None:
    bucket = new_bucket(endpoint)
    storage = S3InternalStorage(
        S3Settings(bucket=bucket, prefix="/base/", endpoint=endpoint, **KEYS)
    )
    storage.put("kestra:///company/team/out%20put.txt", b"x")
    client = boto3.client(
        "s3",
        endpoint_url=endpoint,
        aws_access_key_id="a",
        aws_secret_access_key="b",
        region_name="us-east-1",
    )
    keys = [o["Key"] for o in client.list_objects_v2(Bucket=bucket)["Contents"]]
    assert keys == ["base/company/team/out put.txt"]
