"""The FTP side of the remote-files port, over an ``ftplib.FTP`` (or ``FTP_TLS``) session
(not a plugin).

Directories are read with ``MLSD`` (RFC 3659: types, sizes and times in a fixed format); for
servers without it, the Unix-style ``LIST`` output most servers give is parsed instead.
"""

import ftplib
from datetime import UTC, datetime
from typing import BinaryIO

from tiercel.plugins.fs.remote.client import Entry, flow_path, missing_directories, parent_of

_FACTS = ["type", "size", "modify", "unix.mode", "unix.uid", "unix.gid"]


class FtpFiles:
    """Remote files through a logged-in ftplib session; flow paths resolved under ``root``
    (the login directory with ``rootDir``, nothing otherwise)."""

    def __init__(self, ftp: ftplib.FTP, root: str) -> None:
        self._ftp = ftp
        self._root = root.rstrip("/")
        self._mlsd = True

    def _real(self, path: str) -> str:
        return self._root + flow_path(path)

    def entries(self, directory: str) -> list[Entry]:
        """The entries of a directory.

        Raises:
            FileNotFoundError: The server has no such directory (its 550 answer).
        """
        base = flow_path(directory).rstrip("/")
        try:
            if self._mlsd:
                try:
                    return self._machine_listing(base)
                except ftplib.error_perm as exc:
                    # 500/502: the server has no MLSD. 501 is RFC 3659's answer for a path
                    # that is not a directory, 550 the usual one for a missing path.
                    if str(exc).startswith("501"):
                        raise FileNotFoundError(
                            f"No such directory: {flow_path(directory)}"
                        ) from None
                    if not str(exc).startswith(("500", "502")):
                        raise
                    self._mlsd = False
            return self._unix_listing(base)
        except ftplib.error_perm as exc:
            if str(exc).startswith("550"):
                raise FileNotFoundError(f"No such directory: {flow_path(directory)}") from None
            raise

    def _machine_listing(self, base: str) -> list[Entry]:
        found = []
        for name, facts in self._ftp.mlsd(self._real(base) or "/", facts=_FACTS):
            kind = facts.get("type", "").lower()
            if kind in ("cdir", "pdir") or name in (".", ".."):
                continue
            modified = _mlsd_time(facts.get("modify"))
            mode = facts.get("unix.mode")
            found.append(
                Entry(
                    path=f"{base}/{name}",
                    directory=kind == "dir",
                    symbolic_link="symlink" in kind,
                    size=int(facts["size"]) if facts.get("size", "").isdigit() else None,
                    modified=modified,
                    user_id=_number(facts.get("unix.uid")),
                    group_id=_number(facts.get("unix.gid")),
                    permissions=int(mode, 8) if mode and mode.isdigit() else None,
                )
            )
        return found

    def _unix_listing(self, base: str) -> list[Entry]:
        lines: list[str] = []
        self._ftp.retrlines(f"LIST {self._real(base) or '/'}", lines.append)
        found = []
        for line in lines:
            parts = line.split(None, 8)
            if len(parts) < 9 or parts[0][:1] not in "-dl":
                continue  # a "total" line, or a format this parser does not know
            name = parts[8].split(" -> ", 1)[0]
            if name in (".", ".."):
                continue
            found.append(
                Entry(
                    path=f"{base}/{name}",
                    directory=parts[0].startswith("d"),
                    symbolic_link=parts[0].startswith("l"),
                    size=int(parts[4]) if parts[4].isdigit() else None,
                )
            )
        return found

    def stat(self, path: str) -> Entry | None:
        """The entry at ``path`` (found in its parent's listing), or None."""
        target = flow_path(path).rstrip("/")
        if not target:
            return Entry(path="/", directory=True)
        try:
            siblings = self.entries(parent_of(target))
        except FileNotFoundError:
            return None
        return next((entry for entry in siblings if entry.path == target), None)

    def read(self, path: str, sink: BinaryIO) -> None:
        """Copy a file into ``sink``."""
        self._ftp.retrbinary(f"RETR {self._real(path)}", sink.write)

    def write(self, source: BinaryIO, path: str) -> None:
        """Create or replace a file."""
        self._ftp.storbinary(f"STOR {self._real(path)}", source)

    def remove(self, path: str) -> None:
        """Delete a file."""
        self._ftp.delete(self._real(path))

    def remove_directory(self, path: str) -> None:
        """Delete an empty directory."""
        self._ftp.rmd(self._real(path))

    def rename(self, source: str, target: str) -> None:
        """Move a file or directory."""
        self._ftp.rename(self._real(source), self._real(target))

    def make_directories(self, path: str) -> None:
        """Create a directory and its missing parents."""
        for directory in missing_directories(path, self.stat):
            self._ftp.mkd(self._real(directory))


def _mlsd_time(value: str | None) -> float | None:
    """``YYYYMMDDHHMMSS[.sss]`` in UTC, as RFC 3659 writes times, in epoch seconds."""
    if not value:
        return None
    whole, _, fraction = value.partition(".")
    try:
        moment = datetime.strptime(whole, "%Y%m%d%H%M%S").replace(tzinfo=UTC)
    except ValueError:
        return None
    return moment.timestamp() + (float("0." + fraction) if fraction.isdigit() else 0.0)


def _number(value: str | None) -> int | None:
    return int(value) if value is not None and value.isdigit() else None
