"""Filling a task's working directory, as every family that has one does it: the input files
(``inputFiles``) and the namespace files (``namespaceFiles``) a task asks for.

Each name is checked to stay inside the directory; stored files are copied in blocks, never
read whole into memory.
"""

import json
import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from tiercel.sdk.properties import FileExistBehavior, NamespaceFiles
from tiercel.sdk.run_context import RunContext, TaskFailure

INTERNAL_SCHEME = "kestra://"


def inside(root: Path, name: str) -> Path:
    """``root / name``, refusing a name that would leave ``root``.

    Raises:
        TaskFailure: ``name`` is absolute or climbs out of ``root``.
    """
    target = (root / name).resolve()
    if root.resolve() not in target.parents:
        raise TaskFailure(f"file '{name}' would be written outside the working directory")
    return target


def write_input_files(
    ctx: RunContext,
    given: Mapping[str, str | None] | str | None,
    root: Path,
    extra: Mapping[str, Any] | None = None,
) -> list[Path]:
    """Create each input file in ``root``: rendered text, or a stored file's content.

    ``given`` (an ``InputFiles`` property) is a map of file names to contents or
    ``kestra://`` URIs, or an expression rendering that map as JSON (or the URI of a stored
    JSON file holding it); a null content creates no file. ``extra`` variables are added to
    those the contents are rendered with.

    Returns:
        The files written.

    Raises:
        TaskFailure: ``given`` is not such a map, or a name leaves ``root``.
    """
    if given is None:
        return []
    files = ctx.render(given, extra)
    if isinstance(files, str):
        text = files.strip()
        if text.startswith(INTERNAL_SCHEME):
            text = ctx.files.read_bytes(text).decode()
        try:
            files = json.loads(text)
        except ValueError:
            raise TaskFailure("inputFiles must be a map of file names to contents") from None
    if not isinstance(files, dict):
        raise TaskFailure("inputFiles must be a map of file names to contents or URIs")
    written = []
    for name, value in files.items():
        if value is None:
            continue
        target = inside(root, str(name))
        target.parent.mkdir(parents=True, exist_ok=True)
        content = str(value)
        if content.startswith(INTERNAL_SCHEME):
            with ctx.files.open(content) as data, target.open("wb") as out:
                shutil.copyfileobj(data, out)
        else:
            target.write_text(content)
        written.append(target)
    return written


def copy_namespace_files(ctx: RunContext, spec: NamespaceFiles | None, root: Path) -> list[Path]:
    """Copy the namespace files ``spec`` selects into ``root``, keeping their paths.

    Namespaces are read in order, so with ``ifExists: OVERWRITE`` (the default) a later one
    wins; ``folderPerNamespace`` puts each namespace's files under a folder named after it.

    Returns:
        The files written.

    Raises:
        TaskFailure: A file is already there and ``ifExists`` is ``FAIL``, or a path leaves
            ``root``.
    """
    if spec is None or not ctx.render_as(spec.enabled, bool):
        return []
    include = [str(pattern) for pattern in ctx.render(spec.include or [])]
    exclude = [str(pattern) for pattern in ctx.render(spec.exclude or [])]
    namespaces = [str(namespace) for namespace in ctx.render(spec.namespaces)]
    if_exists = ctx.render_as(spec.if_exists, FileExistBehavior)
    per_namespace = ctx.render_as(spec.folder_per_namespace, bool)
    written = []
    for namespace in namespaces:
        store = ctx.namespace_files(namespace)
        for path in store.paths(include, exclude):
            relative = path.lstrip("/")
            target = inside(root, f"{namespace}/{relative}" if per_namespace else relative)
            if target.exists() and not _replace(ctx, if_exists, relative):
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(store.read(path))
            written.append(target)
    return written


def _replace(ctx: RunContext, if_exists: FileExistBehavior, name: str) -> bool:
    """Whether to replace a file already in the directory, as ``ifExists`` says."""
    if if_exists is FileExistBehavior.FAIL:
        raise TaskFailure(f"File '{name}' already exists in the working directory")
    if if_exists is FileExistBehavior.WARN:
        ctx.logger.warn(f"File '{name}' already exists in the working directory: kept")
        return False
    return if_exists is FileExistBehavior.OVERWRITE
