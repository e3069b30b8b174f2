"""Working-directory files, line reading and per-item rendering shared by the ``storage``
tasks (not a plugin)."""

import io
import os
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import unquote, urlsplit

from tiercel.sdk import RunContext, TaskFailure, ion

DEFAULT_EXTENSION = ".tmp"
"""What Java's ``Files.createTempFile`` ends a name with when given no suffix."""

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
# Words the expression language reads as operators or literals, never as variables.
_NOT_VARIABLES = frozenset(
    {"true", "false", "null", "none", "and", "or", "not", "is", "in", "contains", "equals"}
)
_ITEM = "__tiercel_item"
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def new_file(ctx: RunContext, suffix: str | None = DEFAULT_EXTENSION) -> Path:
    """A new empty file with a unique name in the task run's working directory."""
    handle, name = tempfile.mkstemp(dir=ctx.working_dir(), suffix=suffix or "")
    os.close(handle)
    return Path(name)


def upload(ctx: RunContext, path: Path, name: str | None = None) -> str:
    """Store a working-directory file as a file of the task run; return its URI."""
    with path.open("rb") as data:
        return ctx.files.put(name or path.name, data)


def extension_of(uri: str) -> str:
    """The extension of the file a URI names (``.csv``), or ``.tmp`` when it has none."""
    name = PurePosixPath(unquote(urlsplit(uri).path)).name
    return name[name.rindex(".") :] if "." in name else DEFAULT_EXTENSION


def read_lines(ctx: RunContext, uri: str, charset: str = "utf-8") -> Iterator[str]:
    """The lines of a stored file without their line breaks, as Java's ``readLine`` splits
    them (on ``\\n``, ``\\r\\n`` or ``\\r``); bytes that are not ``charset`` become U+FFFD."""
    with (
        ctx.files.open(uri) as raw,
        io.TextIOWrapper(raw, encoding=charset, errors="replace", newline=None) as text,
    ):
        for line in text:
            yield line[:-1] if line.endswith("\n") else line


def split_lines(text: str) -> list[str]:
    """``text`` cut at each line break; a break at the very end starts no extra line."""
    lines = _LINE_BREAK.split(text)
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def render_for_item(ctx: RunContext, template: str, line: str, number: int) -> str:
    """Render ``template`` with the fields of the Ion struct on ``line`` as variables.

    Kestra renders with the item's fields added to the run's variables. ``RunContext`` renders
    only with the run's own, so the item is bound first by ``{% set %}`` statements that read
    it back with ``fromIon``; fields whose names are not identifiers cannot be variables in
    either engine and are left out.

    Raises:
        TaskFailure: The line is not an Ion struct.
    """
    try:
        item = ion.loads(line)
    except ion.IonError as exc:
        raise TaskFailure(f"Line {number} is not valid Ion: {exc}") from None
    if not isinstance(item, dict):
        raise TaskFailure(f"Line {number} is not an Ion struct: {line[:80]!r}")
    literal = "'" + line.replace("\\", "\\\\").replace("'", "\\'") + "'"
    statements = [f"{{% set {_ITEM} = fromIon({literal}) %}}"]
    statements += [
        f"{{% set {name} = {_ITEM}['{name}'] %}}"
        for name in item
        if _IDENTIFIER.fullmatch(name) and name not in _NOT_VARIABLES
    ]
    rendered: Any = ctx.render("".join(statements) + template)
    return str(rendered)
