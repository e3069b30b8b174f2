"""What both local triggers share: rendering properties, the allowed-paths check, and the
file objects Kestra puts in ``trigger.*`` (not a plugin)."""

import os
import re
import stat
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from pydantic import TypeAdapter

from tiercel.sdk import TaskFailure, TriggerContext

T = TypeVar("T")

_ADAPTERS: dict[Any, TypeAdapter[Any]] = {}


def rendered(ctx: TriggerContext, value: Any, kind: type[T]) -> T:
    """A property rendered by the trigger context and coerced to ``kind``."""
    result = ctx.render(value)
    if isinstance(result, kind):
        return result
    adapter = _ADAPTERS.get(kind)
    if adapter is None:
        adapter = _ADAPTERS[kind] = TypeAdapter(kind)
    try:
        coerced: T = adapter.validate_python(result)
    except ValueError as exc:
        raise TaskFailure(f"Invalid value {result!r}: expected {kind.__name__} ({exc})") from None
    return coerced


def compiled(ctx: TriggerContext, pattern: str | None) -> re.Pattern[str] | None:
    """The rendered ``regExp``, compiled; a clear failure when it is not a valid pattern."""
    if pattern is None:
        return None
    text = rendered(ctx, pattern, str)
    try:
        return re.compile(text)
    except re.error as exc:
        raise TaskFailure(f"Invalid regex pattern in 'regExp': {text} - {exc}") from None


def confined(ctx: TriggerContext, path: str, prop: str, extra: list[str] | None = None) -> Path:
    """The absolute, normalised path of a ``from`` or ``moveDirectory``.

    Symbolic links are resolved before the check, as Kestra does, so a link cannot lead out
    of the allowed paths. ``extra`` is the deprecated per-trigger ``allowedPaths`` list, which
    narrows the server's list further.

    Raises:
        TaskFailure: The server does not allow the path, or it is outside ``extra``.
    """
    absolute = Path(os.path.abspath(path))
    real = Path(os.path.realpath(absolute))
    allowed = ctx.allowed_path(str(real))
    if allowed and extra is not None:
        roots = [Path(os.path.realpath(os.path.abspath(root))) for root in extra]
        allowed = any(real == root or root in real.parents for root in roots)
    if not allowed:
        raise TaskFailure(
            f"Access to path '{real}' ({prop}) is denied: it is not within the allowed paths "
            "for local files. Add it to the server's allowed paths (Kestra's `allowed-paths` "
            "plugin configuration) if access is intended."
        )
    return absolute


def java_instant(nanoseconds: int) -> str:
    """A time as Java's ``Instant.toString`` writes it (what Jackson puts in Kestra's JSON):
    UTC, with the fraction in groups of three digits and none when it is zero."""
    seconds, nanos = divmod(nanoseconds, 1_000_000_000)
    text = datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%S")
    if nanos:
        fraction = f"{nanos:09d}"
        while fraction.endswith("000"):
            fraction = fraction[:-3]
        text += "." + fraction
    return text + "Z"


def file_object(path: Path, info: os.stat_result | None) -> dict[str, Any]:
    """A file as Kestra's ``io.kestra.plugin.fs.local.models.File`` serialises: ``uri``,
    ``localPath`` (a ``file://`` URI: Jackson writes a Java ``Path`` that way), ``name``,
    ``parent``, ``size``, the three dates and ``directory``. ``info`` is None for a file
    that is gone (a DELETE event), which leaves the size and dates null."""
    uri = path.as_uri()
    directory = info is not None and stat.S_ISDIR(info.st_mode)
    if directory:
        uri += "/"
    created: str | None = None
    if info is not None:
        birth = getattr(info, "st_birthtime_ns", None)
        # Java reports the modification time as the creation time where the file system
        # keeps no birth time, as Linux's stat does not.
        created = java_instant(birth if isinstance(birth, int) else info.st_mtime_ns)
    return {
        "uri": uri,
        "localPath": uri,
        "name": path.name,
        "parent": str(path.parent),
        "size": info.st_size if info is not None else None,
        "createdDate": created,
        "modifiedDate": java_instant(info.st_mtime_ns) if info is not None else None,
        "accessedDate": java_instant(info.st_atime_ns) if info is not None else None,
        "directory": directory,
    }
