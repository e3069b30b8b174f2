"""The files of a script's working directory besides those every family writes (in
``tiercel.sdk.workdir``): ``kestra://`` URIs fetched, output files stored back."""

import re
import uuid
from collections.abc import Iterable
from pathlib import Path, PurePosixPath

from tiercel.sdk import RunContext, TaskFailure

_INTERNAL_URI = re.compile(r"kestra://[-a-zA-Z0-9%._+~#=/]*")


def valid_filename(name: str) -> None:
    """Kestra takes relative paths only for input and output files."""
    if name.startswith(("./", "..", "/")):
        raise TaskFailure(f"Invalid outputFile (only relative path is supported) for path '{name}'")


def replace_internal_uris(ctx: RunContext, text: str, root: Path) -> str:
    """Replace each ``kestra://`` URI in ``text`` by the path of a local copy in ``root``."""

    def fetch(match: re.Match[str]) -> str:
        uri = match.group(0)
        name = PurePosixPath(uri.removeprefix("kestra://")).name or "file"
        local = root / f"{uuid.uuid4().hex[:12]}_{name}"
        local.write_bytes(ctx.files.read_bytes(uri))
        return str(local)

    return _INTERNAL_URI.sub(fetch, text)


def store_output_files(
    ctx: RunContext, root: Path, patterns: Iterable[str], output_dir: Path | None
) -> dict[str, str]:
    """Store every file under ``root`` matching a glob, and every file of ``output_dir``;
    each by its path relative to the directory it was found in."""
    found: dict[str, Path] = {}
    for pattern in patterns:
        for path in sorted(root.glob(pattern)):
            if path.is_file():
                found[path.relative_to(root).as_posix()] = path
    if output_dir is not None and output_dir.is_dir():
        for path in sorted(output_dir.rglob("*")):
            if path.is_file():
                found[path.relative_to(output_dir).as_posix()] = path
    stored: dict[str, str] = {}
    for name, path in found.items():
        with path.open("rb") as stream:
            stored[name] = ctx.files.put(name, stream)
    return stored
