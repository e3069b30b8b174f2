"""The local-disk internal storage and namespace files on top of it pass the contracts."""

import io
import os
from pathlib import Path

import pytest

from tests.storage.contracts import InternalStorageContract, NamespaceFilesContract
from tiercel.storage import (
    InvalidPathError,
    LocalInternalStorage,
    StorageError,
    StorageNamespaceFiles,
)


class TestLocalInternalStorage(InternalStorageContract):
    @pytest.fixture
    def storage(self, tmp_path: Path) -> LocalInternalStorage:
        return LocalInternalStorage(tmp_path / "storage")


class TestLocalNamespaceFiles(NamespaceFilesContract):
    @pytest.fixture
    def files(self, tmp_path: Path) -> StorageNamespaceFiles:
        return StorageNamespaceFiles(LocalInternalStorage(tmp_path / "storage"))


@pytest.fixture
def storage(tmp_path: Path) -> LocalInternalStorage:
    return LocalInternalStorage(tmp_path / "storage")


def test_files_land_under_the_base_directory(storage: LocalInternalStorage) -> None:
    storage.put("kestra:///company/team/flow/out%20put.txt", b"x")
    assert (storage.base_dir / "company/team/flow/out put.txt").read_bytes() == b"x"


def test_no_temporary_file_survives_a_failed_write(storage: LocalInternalStorage) -> None:
    class Failing(io.RawIOBase):
        def readable(self) -> bool:
            return True

        def readinto(self, buffer: object) -> int:
            raise OSError("disk gone")

    with pytest.raises(OSError, match="disk gone"):
        storage.put("kestra:///a/f.txt", io.BufferedReader(Failing()))
    assert list((storage.base_dir / ".tmp").iterdir()) == []
    assert storage.list("kestra:///") == []


def test_the_temporary_directory_is_reserved(storage: LocalInternalStorage) -> None:
    with pytest.raises(InvalidPathError, match="reserved"):
        storage.put("kestra:///.tmp/f.txt", b"x")


def test_a_symbolic_link_cannot_lead_outside(storage: LocalInternalStorage, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    os.symlink(outside, storage.base_dir / "link")
    with pytest.raises(InvalidPathError, match="outside"):
        storage.put("kestra:///link/f.txt", b"x")
    assert list(outside.iterdir()) == []


def test_deleting_removes_empty_directories(storage: LocalInternalStorage) -> None:
    storage.put("kestra:///ns/flow/executions/e1/tasks/t/r/f.txt", b"x")
    storage.put("kestra:///ns/flow/executions/e2/f.txt", b"x")
    storage.delete("kestra:///ns/flow/executions/e1/tasks/t/r/f.txt")
    assert not (storage.base_dir / "ns/flow/executions/e1").exists()
    storage.delete_prefix("kestra:///ns/flow/executions/e2")
    assert sorted(p.name for p in storage.base_dir.iterdir()) == [".tmp"]


def test_a_file_and_a_directory_cannot_share_a_name(storage: LocalInternalStorage) -> None:
    storage.put("kestra:///a/b", b"file")
    with pytest.raises(StorageError, match="share a name"):
        storage.put("kestra:///a/b/c", b"x")
    storage.put("kestra:///x/y/z", b"x")
    with pytest.raises(StorageError, match="share a name"):
        storage.put("kestra:///x/y", b"x")


def test_files_written_by_another_instance_are_seen(tmp_path: Path) -> None:
    first = LocalInternalStorage(tmp_path / "s")
    uri = first.put("kestra:///a/f.txt", b"shared")
    assert LocalInternalStorage(tmp_path / "s").read_bytes(uri) == b"shared"
