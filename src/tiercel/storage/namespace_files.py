"""``StorageNamespaceFiles``: namespace files kept in an internal storage under ``_files``.

The file ``scripts/etl.py`` of namespace ``company.team`` is
``kestra:///company/team/_files/scripts/etl.py``, as in Kestra, so ``fileURI()`` and ``read()``
find it whichever internal storage backend holds it.
"""

import builtins
from collections.abc import Sequence
from typing import TYPE_CHECKING, BinaryIO

from tiercel.storage.errors import (
    InvalidPathError,
    StorageFileExistsError,
    StorageFileNotFoundError,
)
from tiercel.storage.globs import path_matcher
from tiercel.storage.ports import InternalStorage, NamespaceFiles
from tiercel.storage.records import NamespaceFile
from tiercel.storage.uris import (
    NAMESPACE_FILES_DIR,
    namespace_segments,
    segments_to_uri,
    split_path,
    uri_to_segments,
)


class StorageNamespaceFiles:
    """The ``NamespaceFiles`` port on top of any ``InternalStorage``."""

    def __init__(self, storage: InternalStorage) -> None:
        """Keep namespace files in ``storage``.

        Args:
            storage: The internal storage that holds the files.
        """
        self._storage = storage

    def write(
        self, namespace: str, path: str, data: bytes | BinaryIO, *, overwrite: bool = True
    ) -> NamespaceFile:
        """Store a file; see ``NamespaceFiles.write``."""
        file = self._file(namespace, self._segments(path))
        # Check-then-put is not atomic: two writers racing with overwrite=False may both win.
        # The port has no put-if-absent, and namespace files are edited by people, not loops.
        if not overwrite and self._storage.exists(file.uri):
            raise StorageFileExistsError(
                f"file '{file.path}' already exists in namespace '{namespace}'"
            )
        self._storage.put(file.uri, data)
        return file

    def read(self, namespace: str, path: str) -> bytes:
        """The content of a file."""
        with self.open(namespace, path) as stream:
            return stream.read()

    def open(self, namespace: str, path: str) -> BinaryIO:
        """Open a file for streaming reads."""
        file = self._file(namespace, self._segments(path))
        try:
            return self._storage.open(file.uri)
        except StorageFileNotFoundError:
            raise StorageFileNotFoundError(
                f"file '{file.path}' was not found in namespace '{namespace}'"
            ) from None

    def exists(self, namespace: str, path: str) -> bool:
        """Whether a file exists at ``path``."""
        return self._storage.exists(self._file(namespace, self._segments(path)).uri)

    def delete(self, namespace: str, path: str) -> builtins.list[NamespaceFile]:
        """Delete a file, or a directory and everything below it."""
        segments = self._segments(path)
        file = self._file(namespace, segments)
        if self._storage.delete(file.uri):
            return [file]
        uris = self._storage.delete_prefix(self._dir_uri(namespace, segments))
        return sorted((self._from_uri(namespace, u) for u in uris), key=lambda f: f.path)

    def move(self, namespace: str, source: str, target: str) -> builtins.list[NamespaceFile]:
        """Move a file or a directory; see ``NamespaceFiles.move``."""
        src, dst = self._segments(source), self._segments(target)
        if dst[: len(src)] == src:
            raise InvalidPathError(f"cannot move '{source}' into itself ('{target}')")
        if self.exists(namespace, target) or self.list(namespace, target):
            raise StorageFileExistsError(
                f"file '{'/'.join(dst)}' already exists in namespace '{namespace}'"
            )
        if self.exists(namespace, source):
            moves = [(self._file(namespace, src), self._file(namespace, dst))]
        else:
            moves = [
                (old, self._file(namespace, (*dst, *old.path.split("/")[len(src) :])))
                for old in self.list(namespace, source)
            ]
            if not moves:
                raise StorageFileNotFoundError(
                    f"file '{'/'.join(src)}' was not found in namespace '{namespace}'"
                )
        # Copy everything before deleting anything: a crash half-way leaves duplicates,
        # which a retry can clean up, rather than lost files.
        for old, new in moves:
            with self._storage.open(old.uri) as stream:
                self._storage.put(new.uri, stream)
        for old, _ in moves:
            self._storage.delete(old.uri)
        return sorted((new for _, new in moves), key=lambda f: f.path)

    def list(
        self,
        namespace: str,
        prefix: str = "",
        *,
        include: Sequence[str] = (),
        exclude: Sequence[str] = (),
    ) -> builtins.list[NamespaceFile]:
        """The files under ``prefix`` that match ``include`` and not ``exclude``."""
        segments = split_path(prefix, what="namespace file path")
        uris = self._storage.list(self._dir_uri(namespace, segments))
        files = [self._from_uri(namespace, uri) for uri in uris]
        if include:
            included = path_matcher(include)
            files = [f for f in files if included(f.path)]
        if exclude:
            excluded = path_matcher(exclude)
            files = [f for f in files if not excluded(f.path)]
        return sorted(files, key=lambda f: f.path)

    @staticmethod
    def _segments(path: str) -> tuple[str, ...]:
        segments = split_path(path, what="namespace file path")
        if not segments:
            raise InvalidPathError(f"namespace file path {path!r} names no file")
        return segments

    @staticmethod
    def _file(namespace: str, segments: tuple[str, ...]) -> NamespaceFile:
        root = (*namespace_segments(namespace), NAMESPACE_FILES_DIR)
        return NamespaceFile(namespace, "/".join(segments), segments_to_uri((*root, *segments)))

    @staticmethod
    def _dir_uri(namespace: str, segments: tuple[str, ...]) -> str:
        root = (*namespace_segments(namespace), NAMESPACE_FILES_DIR)
        return segments_to_uri((*root, *segments), directory=True)

    @staticmethod
    def _from_uri(namespace: str, uri: str) -> NamespaceFile:
        skip = len(namespace_segments(namespace)) + 1
        return StorageNamespaceFiles._file(namespace, uri_to_segments(uri)[skip:])


if TYPE_CHECKING:
    # mypy proves here that the adapter implements its port.
    _conforms: type[NamespaceFiles] = StorageNamespaceFiles
