"""Archive formats as streams (not a plugin): Kestra's ``ArchiveAlgorithm`` for ZIP, JAR and
TAR with the standard library's ``zipfile`` and ``tarfile``."""

import posixpath
import tarfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import IO, BinaryIO

from pydantic import Field

from tiercel.plugins.compress.codecs import CompressionAlgorithm
from tiercel.sdk import KestraModel, Property, TaskFailure


class ArchiveAlgorithm(StrEnum):
    """Kestra's archive formats; AR, ARJ, CPIO and DUMP have no codec here and fail."""

    AR = "AR"
    ARJ = "ARJ"
    CPIO = "CPIO"
    DUMP = "DUMP"
    JAR = "JAR"
    TAR = "TAR"
    ZIP = "ZIP"


class ArchiveProperties(KestraModel):
    """Kestra's ``AbstractArchive``."""

    algorithm: Property[ArchiveAlgorithm] = Field(description="`ZIP`, `JAR` or `TAR`.")
    compression: Property[CompressionAlgorithm] | None = Field(
        default=None, description="A compression around the archive (`GZIP` for `.tar.gz`...)."
    )


class ArchiveWriter:
    """Adds files to an archive being written to a stream."""

    def __init__(self, algorithm: ArchiveAlgorithm, target: BinaryIO) -> None:
        self._tar: tarfile.TarFile | None = None
        self._zip: zipfile.ZipFile | None = None
        if algorithm is ArchiveAlgorithm.TAR:
            # Streaming mode: the target (a compressor, say) need not seek. PAX keeps long
            # names and large sizes, as Kestra's POSIX modes do.
            self._tar = tarfile.open(  # noqa: SIM115 - closed by close()
                fileobj=target, mode="w|", format=tarfile.PAX_FORMAT
            )
        elif algorithm in (ArchiveAlgorithm.ZIP, ArchiveAlgorithm.JAR):
            self._zip = zipfile.ZipFile(target, mode="w", compression=zipfile.ZIP_DEFLATED)
        else:
            raise TaskFailure(f"algorithm: {algorithm.value} archives cannot be written here")

    def add(self, name: str, path: Path) -> None:
        """Add the file at ``path`` as the entry ``name``."""
        if self._tar is not None:
            self._tar.add(str(path), arcname=name, recursive=False)
        elif self._zip is not None:
            self._zip.write(path, arcname=name)

    def close(self) -> None:
        """Write the archive's end."""
        if self._tar is not None:
            self._tar.close()
        if self._zip is not None:
            self._zip.close()


@contextmanager
def entries(algorithm: ArchiveAlgorithm, path: Path) -> Iterator[Iterator[tuple[str, IO[bytes]]]]:
    """The regular files of the archive at ``path``: each name with a stream of its content
    (read it before taking the next one). Directories and links are skipped.

    Raises:
        TaskFailure: The format has no codec here, the file is not such an archive, or an
            entry would land outside the extraction directory.
    """
    if algorithm is ArchiveAlgorithm.TAR:
        try:
            archive = tarfile.open(path, mode="r:")  # noqa: SIM115 - closed just below
        except tarfile.TarError as exc:
            raise TaskFailure(f"Not a TAR archive: {exc}") from None
        with archive:
            yield _tar_entries(archive)
    elif algorithm in (ArchiveAlgorithm.ZIP, ArchiveAlgorithm.JAR):
        try:
            zipped = zipfile.ZipFile(path)
        except zipfile.BadZipFile as exc:
            raise TaskFailure(f"Not a {algorithm.value} archive: {exc}") from None
        with zipped:
            yield _zip_entries(zipped)
    else:
        raise TaskFailure(f"algorithm: {algorithm.value} archives cannot be read here")


def safe_name(name: str) -> str:
    """An entry's name, refused when it would leave the extraction directory (CWE-22)."""
    normal = posixpath.normpath(name.replace("\\", "/"))
    if normal.startswith(("/", "../")) or normal == ".." or ":" in normal.split("/")[0]:
        raise TaskFailure(f"Path traversal attempt detected in archive entry: {name}")
    return normal


def _tar_entries(archive: tarfile.TarFile) -> Iterator[tuple[str, IO[bytes]]]:
    for member in archive:
        if not member.isfile():
            continue
        content = archive.extractfile(member)
        if content is not None:
            safe_name(member.name)
            yield member.name, content


def _zip_entries(archive: zipfile.ZipFile) -> Iterator[tuple[str, IO[bytes]]]:
    for info in archive.infolist():
        if info.is_dir():
            continue
        safe_name(info.filename)
        with archive.open(info) as content:
            yield info.filename, content
