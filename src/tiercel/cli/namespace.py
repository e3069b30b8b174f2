"""``tiercel namespace files``: upload, list, download and delete a namespace's files.

Every command works on the embedded backend under ``--data-dir``, as ``tiercel flow test``
does, so a project folder's ``scripts/`` can be put where ``read()`` and
``namespaceFiles: enabled: true`` find them without a server.
"""

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath
from typing import NoReturn, TypeVar

import click
import pathspec
from sqlalchemy.exc import SQLAlchemyError

from tiercel.storage import (
    InvalidPathError,
    NamespaceFile,
    NamespaceFiles,
    StorageError,
    StorageNamespaceFiles,
)
from tiercel.storage.secrets import SecretKeyError
from tiercel.storage.uris import split_path
from tiercel.wiring import data_dir, local_services

IGNORE_FILES = (".kestraignore", ".tiercelignore")
"""Files at the top of an uploaded directory that list, gitignore-style, what to leave out."""

_Command = TypeVar("_Command", bound=Callable[..., None])
_DATA_DIR_HELP = (
    "Where the embedded backend keeps its data (default: $TIERCEL_DATA_DIR, $TIERCEL_HOME or "
    "~/.tiercel)."
)


def upload_directory(
    files: NamespaceFiles, namespace: str, local_dir: Path, remote_dir: str = ""
) -> list[NamespaceFile]:
    """Upload every file under ``local_dir`` to ``namespace``, keeping relative paths.

    As ``kestra namespace files update`` does, files matched by a ``.kestraignore`` (or
    ``.tiercelignore``) at the top of ``local_dir`` are skipped, and so are those files.

    Args:
        files: The namespace files port to write to.
        namespace: The namespace that receives the files.
        local_dir: The directory to upload.
        remote_dir: The directory inside the namespace; ``""`` or ``"/"`` is its root.

    Returns:
        The files written, in path order.

    Raises:
        InvalidPathError: ``remote_dir``, the namespace or a file name is not allowed.
        OSError: A local file cannot be read.
    """
    prefix = remote_path(remote_dir)
    ignored = _ignore_rules(local_dir)
    written: list[NamespaceFile] = []
    for local in sorted(p for p in local_dir.rglob("*") if p.is_file()):
        relative = local.relative_to(local_dir).as_posix()
        if relative in IGNORE_FILES or ignored(relative):
            continue
        target = f"{prefix}/{relative}" if prefix else relative
        with local.open("rb") as stream:
            written.append(files.write(namespace, target, stream))
    return written


def remote_path(raw: str) -> str:
    """A namespace path in canonical form: no leading ``/``, no empty or ``.`` segments.

    A leading ``/`` names the namespace root, as in Kestra's API (``/scripts/etl.py``).

    Raises:
        InvalidPathError: ``..``, a backslash or a NUL character, which could leave the
            namespace or name a local path.
    """
    try:
        return "/".join(split_path(raw, what="namespace path"))
    except InvalidPathError as exc:
        raise InvalidPathError(
            f"{exc}: not allowed, as paths are relative to the namespace root"
        ) from None


def _ignore_rules(local_dir: Path) -> Callable[[str], bool]:
    """Whether a relative path is ignored, by the gitignore rules of the ignore files."""
    lines: list[str] = []
    for name in IGNORE_FILES:
        source = local_dir / name
        if source.is_file():
            lines += source.read_text(encoding="utf-8", errors="replace").splitlines()
    spec = pathspec.GitIgnoreSpec.from_lines(lines)
    return spec.match_file


@click.group()
def namespace() -> None:
    """Manage namespaces."""


@namespace.group("files")
def namespace_files() -> None:
    """Upload, list, download and delete namespace files on the embedded backend."""


def _data_dir_option(command: _Command) -> _Command:
    option = click.option(
        "--data-dir",
        "data_root",
        type=click.Path(path_type=Path, file_okay=False),
        help=_DATA_DIR_HELP,
    )
    return option(command)


@contextmanager
def _namespace_files(data_root: Path | None) -> Iterator[NamespaceFiles]:
    """The namespace files of the embedded backend; any storage error ends the command."""
    root = data_dir(data_root)
    try:
        with local_services(root) as services:
            yield StorageNamespaceFiles(services.storage)
    except (StorageError, SecretKeyError) as exc:
        _fail(str(exc).splitlines()[0])
    except SQLAlchemyError as exc:
        reason = str(exc).splitlines()[0]
        _fail(f"the data directory {root} cannot be used: {reason}", status=2)
    except OSError as exc:
        _fail(f"{exc.filename or root}: {exc.strerror or exc}")


def _fail(message: str, *, status: int = 1) -> NoReturn:
    click.echo(click.style(message, fg="red"), err=True)
    sys.exit(status)


@namespace_files.command("upload")
@click.argument("namespace_id", metavar="NAMESPACE")
@click.argument("local_dir", type=click.Path(path_type=Path))
@click.argument("remote_dir", default="/")
@_data_dir_option
def upload(namespace_id: str, local_dir: Path, remote_dir: str, data_root: Path | None) -> None:
    """Upload every file under LOCAL_DIR to NAMESPACE, under REMOTE_DIR (default: the root).

    Files matched by a .kestraignore or .tiercelignore at the top of LOCAL_DIR are skipped.
    Existing files are overwritten.
    """
    if not local_dir.is_dir():
        what = "is not a directory" if local_dir.exists() else "no such directory"
        _fail(f"{local_dir}: {what}")
    _checked(remote_dir)
    with _namespace_files(data_root) as files:
        for file in upload_directory(files, namespace_id, local_dir, remote_dir):
            click.echo(f"uploaded /{file.path}")


@namespace_files.command("list")
@click.argument("namespace_id", metavar="NAMESPACE")
@click.argument("path", default="/")
@_data_dir_option
def list_files(namespace_id: str, path: str, data_root: Path | None) -> None:
    """Print the path of every file of NAMESPACE under PATH (default: all of them)."""
    prefix = _checked(path)
    with _namespace_files(data_root) as files:
        found = _paths_at(files, namespace_id, prefix)
        if prefix and not found:
            _not_found(namespace_id, prefix)
        for found_path in found:
            click.echo(f"/{found_path}")


@namespace_files.command("download")
@click.argument("namespace_id", metavar="NAMESPACE")
@click.argument("path", metavar="REMOTE_PATH")
@click.argument("local_dir", type=click.Path(path_type=Path, file_okay=False))
@_data_dir_option
def download(namespace_id: str, path: str, local_dir: Path, data_root: Path | None) -> None:
    """Copy the file or directory REMOTE_PATH of NAMESPACE into LOCAL_DIR.

    A file lands as LOCAL_DIR/<its name>; a directory's files keep their paths relative to
    it, so REMOTE_PATH / downloads the whole namespace.
    """
    prefix = _checked(path)
    with _namespace_files(data_root) as files:
        found = _paths_at(files, namespace_id, prefix)
        if not found:
            _not_found(namespace_id, prefix)
        for found_path in found:
            if found_path == prefix:
                relative = PurePosixPath(found_path).name
            else:
                relative = found_path[len(prefix) :].lstrip("/")
            # Stored paths never hold '..' (the port refuses them), so this stays in LOCAL_DIR.
            target = local_dir.joinpath(*relative.split("/"))
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(files.read(namespace_id, found_path))
            click.echo(f"downloaded /{found_path} to {target}")


@namespace_files.command("delete")
@click.argument("namespace_id", metavar="NAMESPACE")
@click.argument("path")
@_data_dir_option
def delete(namespace_id: str, path: str, data_root: Path | None) -> None:
    """Delete the file PATH of NAMESPACE, or the directory PATH with everything below it."""
    prefix = _checked(path)
    if not prefix:
        _fail(f"namespace path {path!r} names no file: refusing to delete the whole namespace")
    with _namespace_files(data_root) as files:
        deleted = files.delete(namespace_id, prefix)
        if not deleted:
            _not_found(namespace_id, prefix)
        for file in deleted:
            click.echo(f"deleted /{file.path}")


def _checked(path: str) -> str:
    """``path`` in canonical form, checked before anything is opened."""
    try:
        return remote_path(path)
    except InvalidPathError as exc:
        _fail(str(exc))


def _not_found(namespace_id: str, prefix: str) -> NoReturn:
    _fail(f"no namespace file or directory '/{prefix}' in namespace '{namespace_id}'")


def _paths_at(files: NamespaceFiles, namespace_id: str, prefix: str) -> list[str]:
    """The file at ``prefix`` if there is one, else the paths of the files below it."""
    if prefix and files.exists(namespace_id, prefix):
        return [prefix]
    return [file.path for file in files.list(namespace_id, prefix)]


__all__ = ["IGNORE_FILES", "namespace", "remote_path", "upload_directory"]
