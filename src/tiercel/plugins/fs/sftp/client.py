"""The SFTP side of the remote-files port, over a paramiko ``SFTPClient`` (not a plugin)."""

import stat
from typing import Any, BinaryIO

from tiercel.plugins.fs.remote.client import Entry, flow_path, missing_directories


class SftpFiles:
    """Remote files through an open ``SFTPClient``; flow paths resolved under ``root`` (the
    user's home with ``rootDir``, nothing otherwise)."""

    def __init__(self, sftp: Any, root: str) -> None:
        self._sftp = sftp
        self._root = root.rstrip("/")

    def _real(self, path: str) -> str:
        return self._root + flow_path(path)

    def _entry(self, path: str, attrs: Any, link: bool) -> Entry:
        return Entry(
            path=flow_path(path),
            directory=stat.S_ISDIR(attrs.st_mode or 0),
            symbolic_link=link,
            size=attrs.st_size,
            modified=attrs.st_mtime,
            accessed=attrs.st_atime,
            user_id=attrs.st_uid,
            group_id=attrs.st_gid,
            permissions=attrs.st_mode,
        )

    def entries(self, directory: str) -> list[Entry]:
        """The entries of a directory; a link is described by what it points to."""
        base = flow_path(directory).rstrip("/")
        found = []
        for attrs in self._sftp.listdir_attr(self._real(directory)):
            path = f"{base}/{attrs.filename}"
            link = stat.S_ISLNK(attrs.st_mode or 0)
            if link:
                try:
                    attrs = self._sftp.stat(self._real(path))
                except OSError:  # a dangling link: neither a file nor a directory to take
                    continue
            found.append(self._entry(path, attrs, link))
        return found

    def stat(self, path: str) -> Entry | None:
        """The entry at ``path``, or None."""
        try:
            attrs = self._sftp.stat(self._real(path))
        except FileNotFoundError:
            return None
        return self._entry(path, attrs, False)

    def read(self, path: str, sink: BinaryIO) -> None:
        """Copy a file into ``sink``."""
        self._sftp.getfo(self._real(path), sink)

    def write(self, source: BinaryIO, path: str) -> None:
        """Create or replace a file."""
        self._sftp.putfo(source, self._real(path))

    def remove(self, path: str) -> None:
        """Delete a file."""
        self._sftp.remove(self._real(path))

    def remove_directory(self, path: str) -> None:
        """Delete an empty directory."""
        self._sftp.rmdir(self._real(path))

    def rename(self, source: str, target: str) -> None:
        """Move a file or directory."""
        self._sftp.rename(self._real(source), self._real(target))

    def make_directories(self, path: str) -> None:
        """Create a directory and its missing parents."""
        for directory in missing_directories(path, self.stat):
            self._sftp.mkdir(self._real(directory))
