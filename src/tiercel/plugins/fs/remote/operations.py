"""Listing, transfers, deletes and moves on a remote session, as Kestra's ``VfsService``
does them (not a plugin)."""

import re
import tempfile
from datetime import UTC, datetime
from typing import Any, BinaryIO, cast

from tiercel.plugins.cloud.env import Env
from tiercel.plugins.cloud.sources import instant, present
from tiercel.plugins.fs.checksum import Algorithm, checksum
from tiercel.plugins.fs.properties import Action, Sort
from tiercel.plugins.fs.remote.client import Entry, flow_path, parent_of
from tiercel.plugins.fs.remote.connection import Session
from tiercel.sdk import LogLevel, TaskFailure

_SPOOL = 8 * 1024 * 1024  # bytes kept in memory before a transfer spills to a temporary file


def listing(
    session: Session, directory: str, pattern: re.Pattern[str] | None, recursive: bool
) -> list[Entry]:
    """The files (not directories) in ``directory``, and below it when recursive, whose whole
    path matches ``pattern``.

    Raises:
        FileNotFoundError: ``directory`` does not exist.
    """
    found: list[Entry] = []
    pending = [flow_path(directory)]
    while pending:
        current = pending.pop(0)
        for entry in session.files.entries(current):
            if entry.directory:
                if recursive and not entry.symbolic_link:
                    pending.append(entry.path)
                continue
            if pattern is None or pattern.fullmatch(entry.path):
                found.append(entry)
    return found


def sorted_entries(entries: list[Entry], sort: Sort) -> list[Entry]:
    """The entries in the order ``sort`` asks for; unknown dates last."""
    if sort is Sort.NONE:
        return entries
    if sort in (Sort.NAME_ASC, Sort.NAME_DESC):
        return sorted(entries, key=lambda e: e.name, reverse=sort is Sort.NAME_DESC)
    dated = [e for e in entries if e.modified is not None]
    undated = [e for e in entries if e.modified is None]
    dated.sort(key=lambda e: e.modified or 0.0, reverse=sort is Sort.LAST_MODIFIED_DESC)
    return dated + undated


def _instant(seconds: float | None) -> str | None:
    return instant(datetime.fromtimestamp(seconds, UTC)) if seconds is not None else None


def file_object(entry: Entry, path: str | None = None) -> dict[str, Any]:
    """An entry as Kestra's ``vfs.models.File`` serialises (null fields left out); ``path``
    replaces its path once it is downloaded (a ``kestra://`` URI)."""
    return present(
        {
            "path": path if path is not None else entry.path,
            "name": entry.name,
            "fileType": "FOLDER" if entry.directory else "FILE",
            "symbolicLink": entry.symbolic_link,
            "size": entry.size,
            "userId": entry.user_id,
            "groupId": entry.group_id,
            "permissions": entry.permissions,
            "accessDate": _instant(entry.accessed),
            "updatedDate": _instant(entry.modified),
        }
    )


def download(
    env: Env,
    session: Session,
    path: str,
    algorithm: Algorithm = Algorithm.SHA_256,
    expected: str | None = None,
) -> dict[str, Any]:
    """Copy a remote file into internal storage: Kestra's ``from``, ``to`` and ``checksum``.

    With ``expected``, the file is stored only when its checksum matches.
    """
    source = flow_path(path)
    with tempfile.SpooledTemporaryFile(_SPOOL) as spooled:
        spool = cast(BinaryIO, spooled)
        with session.guard(f"Unable to download '{session.uri(source)}'"):
            session.files.read(source, spool)
        spool.seek(0)
        digest = checksum(env, spool, algorithm, expected, session.uri(source))
        spool.seek(0)
        uri = env.put(source.rsplit("/", 1)[-1] or "file", spool)
    env.log(LogLevel.DEBUG, f"File '{session.uri(source)}' downloaded to '{uri}'")
    return {"from": session.uri(source), "to": uri, "checksum": digest}


def upload(env: Env, session: Session, source: str, target: str, overwrite: bool) -> str:
    """Copy an internal-storage file to ``target`` (parents created); its remote URI."""
    if not source.startswith("kestra://"):
        raise TaskFailure("'from' must be a Kestra's internal storage URI")
    destination = flow_path(target)
    with session.guard(f"Unable to upload to '{session.uri(destination)}'"):
        existing = session.files.stat(destination)
        if existing is not None and not overwrite:
            raise TaskFailure(
                f"File '{destination}' already exists in the remote server and cannot be "
                "overwritten. Set `overwrite: true` to replace it."
            )
        if existing is not None and existing.directory:
            raise TaskFailure(
                f"'{destination}' is a directory on the remote server: name the file to write"
            )
        session.files.make_directories(parent_of(destination))
        with env.open(source) as data:
            session.files.write(data, destination)
    env.log(LogLevel.DEBUG, f"File '{source}' uploaded to '{session.uri(destination)}'")
    return session.uri(destination)


def delete_tree(session: Session, path: str) -> None:
    """Delete a directory and everything in it."""
    for entry in session.files.entries(path):
        if entry.directory and not entry.symbolic_link:
            delete_tree(session, entry.path)
        else:
            session.files.remove(entry.path)
    session.files.remove_directory(path)


def move(env: Env, session: Session, source: str, target: str, overwrite: bool) -> dict[str, str]:
    """Move a file or directory; a target ending in ``/`` keeps the source's name. Kestra's
    ``from`` and ``to`` URIs."""
    origin = flow_path(source)
    destination = flow_path(target)
    if destination.endswith("/") and not origin.endswith("/"):
        destination += origin.rsplit("/", 1)[-1]
    with session.guard(f"Unable to move '{session.uri(origin)}' to '{session.uri(destination)}'"):
        if session.files.stat(origin) is None:
            raise TaskFailure(f"Unable to find file '{session.uri(origin)}'")
        existing = session.files.stat(destination)
        if existing is not None and existing.directory:
            destination = destination.rstrip("/") + "/" + origin.rstrip("/").rsplit("/", 1)[-1]
            existing = session.files.stat(destination)
        if existing is not None:
            if not overwrite:
                raise TaskFailure(
                    f"File '{destination}' already exists in the remote server and cannot be "
                    "overwritten. If you want to overwrite it, set `overwrite: true`."
                )
            env.log(LogLevel.WARN, f"File '{destination}' already exists and will be overwritten.")
            if not existing.directory:
                session.files.remove(destination)
        else:
            session.files.make_directories(parent_of(destination))
        session.files.rename(origin, destination)
    env.log(LogLevel.DEBUG, f"Moved '{session.uri(origin)}' to '{session.uri(destination)}'")
    return {"from": session.uri(origin), "to": session.uri(destination)}


def perform_action(
    env: Env, session: Session, entries: list[Entry], action: Action, directory: str | None
) -> None:
    """DELETE the files, or MOVE them into ``directory``; nothing for NONE."""
    if action is Action.DELETE:
        for entry in entries:
            with session.guard(f"Unable to delete '{session.uri(entry.path)}'"):
                session.files.remove(entry.path)
            env.log(LogLevel.DEBUG, f"Deleted '{session.uri(entry.path)}'")
    elif action is Action.MOVE:
        if directory is None:
            raise TaskFailure("moveDirectory must be specified when action is MOVE")
        for entry in entries:
            move(env, session, entry.path, directory.rstrip("/") + "/", True)
