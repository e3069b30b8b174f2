"""Reading and writing the files the compression tasks work on (not a plugin)."""

import uuid
from pathlib import Path, PurePosixPath

from tiercel.sdk import RunContext, TaskFailure


def scratch(ctx: RunContext, suffix: str = "") -> Path:
    """A new file path in the task's working directory."""
    return ctx.working_dir() / f"{uuid.uuid4().hex}{suffix}"


def download(ctx: RunContext, uri: str, target: Path) -> None:
    """Copy a ``kestra://`` file to ``target``, in chunks.

    Raises:
        TaskFailure: ``uri`` is not an internal storage URI or cannot be read.
    """
    from tiercel.plugins.compress.codecs import copy

    if not uri.startswith("kestra://"):
        raise TaskFailure(f"from: '{uri}' is not a kestra:// URI")
    try:
        source = ctx.files.open(uri)
    except (OSError, ValueError, KeyError) as exc:
        raise TaskFailure(f"Cannot read '{uri}': {exc}") from None
    with source, target.open("wb") as out:
        copy(source, out)


def upload(ctx: RunContext, name: str, path: Path) -> str:
    """Store a working file in internal storage; its ``kestra://`` URI."""
    with path.open("rb") as data:
        return ctx.files.put(name, data)


def base_name(uri: str) -> str:
    """The last segment of a URI, or ``file`` when it has none."""
    return PurePosixPath(uri.split("?")[0]).name or "file"
