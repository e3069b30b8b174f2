"""``storage:`` in the server settings picks the internal storage: local disk, S3, GCS or Azure."""

from pathlib import Path

import pytest

from tiercel.storage import LocalInternalStorage, StorageError
from tiercel.wiring.config import ConfigError, StorageSettings, load_settings
from tiercel.wiring.storage import internal_storage


def test_s3_settings_are_read_in_kebab_case(tmp_path: Path) -> None:
    config = tmp_path / "tiercel.yaml"
    config.write_text(
        "tiercel:\n"
        "  storage:\n"
        "    type: s3\n"
        "    bucket: files\n"
        "    endpoint: http://127.0.0.1:9000\n"
        "    access-key-id: AKIA\n"
        "    force-path-style: true\n"
    )
    storage = load_settings(config).storage
    assert storage is not None
    assert (storage.type, storage.bucket, storage.access_key_id) == ("s3", "files", "AKIA")
    assert storage.force_path_style is True


def test_an_s3_storage_without_a_bucket_is_refused_at_its_line(tmp_path: Path) -> None:
    config = tmp_path / "tiercel.yaml"
    config.write_text("tiercel:\n  storage:\n    type: s3\n")
    with pytest.raises(ConfigError, match=r"tiercel.yaml:2:3: tiercel.storage: .*needs a bucket"):
        load_settings(config)


def test_local_is_the_default(tmp_path: Path) -> None:
    assert isinstance(internal_storage(None, tmp_path / "a"), LocalInternalStorage)
    chosen = internal_storage(StorageSettings(path=tmp_path / "b"), tmp_path / "a")
    assert isinstance(chosen, LocalInternalStorage) and chosen.base_dir == tmp_path / "b"


def test_an_unreachable_bucket_fails_with_one_line() -> None:
    settings = StorageSettings(
        type="s3",
        bucket="b",
        endpoint="http://127.0.0.1:9",
        region="us-east-1",
        access_key_id="k",
        secret_key_id="s",
    )
    with pytest.raises(StorageError, match="cannot reach the bucket 'b': Could not connect"):
        internal_storage(settings, Path("unused"))


def test_gcs_and_azure_settings_are_read_in_kebab_case(tmp_path: Path) -> None:
    config = tmp_path / "tiercel.yaml"
    config.write_text(
        "tiercel:\n"
        "  storage:\n"
        "    type: gcs\n"
        "    bucket: files\n"
        "    project-id: p\n"
        "    service-account: '{}'\n"
    )
    gcs = load_settings(config).storage
    assert gcs is not None
    assert (gcs.type, gcs.bucket, gcs.project_id, gcs.service_account) == (
        "gcs",
        "files",
        "p",
        "{}",
    )
    config.write_text(
        "tiercel:\n"
        "  storage:\n"
        "    type: azure\n"
        "    container: files\n"
        "    endpoint: https://acct.blob.core.windows.net\n"
        "    shared-key-account-name: acct\n"
        "    shared-key-account-access-key: c2VjcmV0\n"
    )
    azure = load_settings(config).storage
    assert azure is not None
    assert (azure.type, azure.container, azure.shared_key_account_name) == (
        "azure",
        "files",
        "acct",
    )
    assert "c2VjcmV0" not in repr(azure)


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ("type: gcs\n", "a GCS internal storage needs a bucket"),
        ("type: azure\n    connection-string: x\n", "needs a container"),
        ("type: azure\n    container: c\n", "needs a connection-string or an endpoint"),
        (
            "type: azure\n    container: c\n    endpoint: http://h\n"
            "    shared-key-account-name: a\n",
            "a shared key needs both",
        ),
    ],
)
def test_incomplete_cloud_storages_are_refused_at_their_line(
    tmp_path: Path, body: str, problem: str
) -> None:
    config = tmp_path / "tiercel.yaml"
    config.write_text(f"tiercel:\n  storage:\n    {body}")
    with pytest.raises(ConfigError, match=rf"tiercel.yaml:2:3: tiercel.storage: .*{problem}"):
        load_settings(config)


def test_an_unreachable_gcs_bucket_fails_with_one_line() -> None:
    settings = StorageSettings(type="gcs", bucket="b", endpoint="http://127.0.0.1:9")
    with pytest.raises(StorageError, match=r"cannot reach the bucket 'b': .*Connection refused"):
        internal_storage(settings, Path("unused"))


def test_an_unreachable_azure_container_fails_with_one_line() -> None:
    settings = StorageSettings(type="azure", container="c", endpoint="http://127.0.0.1:9/acct")
    with pytest.raises(StorageError, match="cannot reach the container 'c': ") as caught:
        internal_storage(settings, Path("unused"))
    assert "\n" not in str(caught.value)
