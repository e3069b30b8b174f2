"""The port a remote file system offers the shared task logic, and its file entries.

Paths given to a client are the paths a flow writes (``/upload/file.txt``); with ``rootDir``
the client resolves them under the user's home, as Kestra's ``userDirIsRoot`` does, and the
entries it returns carry flow paths again.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import BinaryIO, Protocol


@dataclass(frozen=True, slots=True)
class Entry:
    """A file or directory on the server."""

    path: str
    """Its flow path, from the root: ``/upload/file.txt``."""
    directory: bool
    symbolic_link: bool = False
    size: int | None = None
    modified: float | None = None
    """Seconds since the epoch, when the server tells."""
    accessed: float | None = None
    user_id: int | None = None
    group_id: int | None = None
    permissions: int | None = None

    @property
    def name(self) -> str:
        """The last segment of the path."""
        return self.path.rstrip("/").rsplit("/", 1)[-1]


class RemoteFiles(Protocol):
    """An open session on a remote file system. Every method raises ``OSError`` (a
    ``FileNotFoundError`` for a missing path) or the protocol's own error."""

    def entries(self, directory: str) -> list[Entry]:
        """The entries of a directory (not ``.`` and ``..``)."""
        ...

    def stat(self, path: str) -> Entry | None:
        """The entry at ``path``; None when there is none."""
        ...

    def read(self, path: str, sink: BinaryIO) -> None:
        """Copy a file's content into ``sink``."""
        ...

    def write(self, source: BinaryIO, path: str) -> None:
        """Create or replace a file with ``source``'s content."""
        ...

    def remove(self, path: str) -> None:
        """Delete a file."""
        ...

    def remove_directory(self, path: str) -> None:
        """Delete an empty directory."""
        ...

    def rename(self, source: str, target: str) -> None:
        """Move a file or directory; ``target`` is replaced when it is a file."""
        ...

    def make_directories(self, path: str) -> None:
        """Create a directory and its missing parents."""
        ...


def flow_path(path: str) -> str:
    """A path as Kestra's URIs carry it: one leading slash."""
    return "/" + path.lstrip("/")


def parent_of(path: str) -> str:
    """The directory holding ``path`` (``/`` at the top)."""
    head = path.rstrip("/").rsplit("/", 1)[0]
    return head or "/"


def missing_directories(path: str, stat: Callable[[str], Entry | None]) -> Iterator[str]:
    """The directories from the top down to ``path`` that do not exist yet, in the order to
    create them."""
    current = ""
    for part in flow_path(path).strip("/").split("/"):
        if not part:
            continue
        current += "/" + part
        if stat(current) is None:
            yield current
