"""``storage:`` in the server settings picks the internal storage: local disk or S3."""

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
