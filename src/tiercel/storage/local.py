"""``LocalInternalStorage``: the internal storage on a local directory (Kestra's ``storage-local``).

``kestra:///a/b/file.txt`` is stored at ``<base_dir>/a/b/file.txt``. A write goes to a temporary
file in ``<base_dir>/.tmp``, is flushed to disk, then renamed over the target: on one file
system the rename is atomic, so a reader or a crash never sees half a file. A crash may leave a
stray temporary file in ``.tmp``, never in the tree.
"""

import builtins
import contextlib
import os
import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from tiercel.storage.errors import InvalidPathError, StorageError, StorageFileNotFoundError
from tiercel.storage.ports import InternalStorage
from tiercel.storage.uris import segments_to_uri, uri_to_segments

_TMP_DIR = ".tmp"
_CHUNK = 1024 * 1024
# A concurrent delete may prune the directory a put has just created; that many tries to win.
_PUT_ATTEMPTS = 5


class LocalInternalStorage:
    """The ``InternalStorage`` port on a local directory; safe to share between threads."""

    def __init__(self, base_dir: str | os.PathLike[str]) -> None:
        """Use (and create) ``base_dir`` as the root of the storage.

        Args:
            base_dir: The directory that holds every stored file.
        """
        self._root = Path(base_dir).resolve()
        self._tmp = self._root / _TMP_DIR
        self._tmp.mkdir(parents=True, exist_ok=True)

    @property
    def base_dir(self) -> Path:
        """The directory that holds every stored file."""
        return self._root

    def put(self, uri: str, data: bytes | BinaryIO) -> str:
        """Store a file atomically; see ``InternalStorage.put``."""
        segments, target = self._locate(uri)
        fd, tmp_name = tempfile.mkstemp(dir=self._tmp, prefix="put-")
        try:
            with os.fdopen(fd, "wb") as out:
                if isinstance(data, bytes | bytearray | memoryview):
                    out.write(data)
                else:
                    shutil.copyfileobj(data, out, _CHUNK)
                out.flush()
                # Without fsync a power cut after the rename could leave an empty file behind.
                os.fsync(out.fileno())
            self._move_into_place(tmp_name, target, uri)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp_name)
            raise
        return segments_to_uri(segments)

    def open(self, uri: str) -> BinaryIO:
        """Open a stored file for reading; see ``InternalStorage.open``."""
        _, path = self._locate(uri)
        try:
            return builtins.open(path, "rb")
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            raise StorageFileNotFoundError(f"no file at {uri}") from None

    def read_bytes(self, uri: str) -> bytes:
        """The whole content of a stored file."""
        with self.open(uri) as stream:
            return stream.read()

    def exists(self, uri: str) -> bool:
        """Whether a file is stored at ``uri``."""
        return self._locate(uri)[1].is_file()

    def size(self, uri: str) -> int:
        """The size of a stored file in bytes."""
        path = self._locate(uri)[1]
        if not path.is_file():
            raise StorageFileNotFoundError(f"no file at {uri}")
        return path.stat().st_size

    def delete(self, uri: str) -> bool:
        """Delete a file; tell whether it existed."""
        _, path = self._locate(uri)
        if not path.is_file():
            return False
        try:
            path.unlink()
        except FileNotFoundError:
            return False  # another thread deleted it first
        self._prune(path.parent)
        return True

    def delete_prefix(self, prefix: str) -> builtins.list[str]:
        """Delete every file under a directory URI; return their URIs, sorted."""
        segments, directory = self._locate(prefix, allow_root=True)
        deleted: builtins.list[str] = []
        for relative in self._walk(directory):
            with contextlib.suppress(FileNotFoundError):
                directory.joinpath(*relative).unlink()
                deleted.append(segments_to_uri((*segments, *relative)))
        for parent, _, _ in sorted(os.walk(directory), key=lambda w: w[0], reverse=True):
            if Path(parent) != self._tmp:
                self._prune(Path(parent))
        return sorted(deleted)

    def list(self, prefix: str) -> builtins.list[str]:
        """The URIs of every file under a directory URI, sorted."""
        segments, directory = self._locate(prefix, allow_root=True)
        return sorted(segments_to_uri((*segments, *rel)) for rel in self._walk(directory))

    def _locate(self, uri: str, *, allow_root: bool = False) -> tuple[tuple[str, ...], Path]:
        segments = uri_to_segments(uri)
        if not segments and not allow_root:
            raise InvalidPathError(f"{uri!r} names the storage root, not a file")
        if segments and segments[0] == _TMP_DIR:
            raise InvalidPathError(f"{uri!r}: '{_TMP_DIR}' is reserved for writes in progress")
        path = self._root.joinpath(*segments)
        # A symbolic link inside the tree must not lead outside it either.
        real = os.path.realpath(path)
        if real != str(self._root) and not real.startswith(str(self._root) + os.sep):
            raise InvalidPathError(f"{uri!r} resolves outside the storage directory")
        return segments, path

    def _move_into_place(self, tmp_name: str, target: Path, uri: str) -> None:
        for attempt in range(_PUT_ATTEMPTS):
            try:
                target.parent.mkdir(parents=True, exist_ok=True)
                os.replace(tmp_name, target)
                return
            except FileNotFoundError:
                if attempt == _PUT_ATTEMPTS - 1:
                    raise
            except (FileExistsError, NotADirectoryError, IsADirectoryError):
                raise StorageError(
                    f"cannot store {uri}: a file and a directory would share a name"
                ) from None

    def _walk(self, directory: Path) -> builtins.list[tuple[str, ...]]:
        files: builtins.list[tuple[str, ...]] = []
        for parent, dirs, names in os.walk(directory):
            if Path(parent) == self._root and _TMP_DIR in dirs:
                dirs.remove(_TMP_DIR)
            base = Path(parent).relative_to(directory).parts
            files.extend((*base, name) for name in names)
        return files

    def _prune(self, directory: Path) -> None:
        """Remove ``directory`` and its parents while they are empty, so deletes leave no husks."""
        while directory != self._root and directory.is_relative_to(self._root):
            try:
                directory.rmdir()
            except OSError:
                return  # not empty, or already gone: either way, stop here
            directory = directory.parent


if TYPE_CHECKING:
    # mypy proves here that the adapter implements its port.
    _conforms: type[InternalStorage] = LocalInternalStorage
