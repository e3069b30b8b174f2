"""The files of a script's working directory: namespace files and input files copied in,
``kestra://`` URIs fetched, output files stored back."""

import json
import re
import uuid
from collections.abc import Iterable, Mapping
from pathlib import Path, PurePosixPath
from typing import Any

from pydantic import Field

from tiercel.sdk import KestraModel, Property, RunContext, TaskFailure, Text

_INTERNAL_URI = re.compile(r"kestra://[-a-zA-Z0-9%._+~#=/]*")


class NamespaceFiles(KestraModel):
    """Which files of the flow's namespace to copy into the working directory."""

    enabled: Property[bool] = Field(default=True, description="Copy namespace files at all.")
    include: Property[list[str]] | None = Field(
        default=None, description="Glob patterns of the files to copy."
    )
    exclude: Property[list[str]] | None = Field(
        default=None, description="Glob patterns of the files to leave out."
    )
    namespaces: Property[list[str]] | None = Field(
        default=None, description="Namespaces to read files from, later ones winning."
    )


InputFiles = dict[str, Text] | dict[str, Text | None] | Text
"""``inputFiles``: file name to inline content or ``kestra://`` URI, or that map as JSON (or a
``kestra://`` URI of that JSON)."""


def copy_namespace_files(ctx: RunContext, spec: NamespaceFiles | None, root: Path) -> None:
    """Copy the namespace files ``spec`` selects into ``root``, keeping their paths."""
    if spec is None or not ctx.render_as(spec.enabled, bool):
        return
    include = [str(p) for p in ctx.render(spec.include or [])]
    exclude = [str(p) for p in ctx.render(spec.exclude or [])]
    namespaces = [str(n) for n in ctx.render(spec.namespaces)] if spec.namespaces else [None]
    for namespace in namespaces:
        store = ctx.namespace_files(namespace)
        for path in store.paths(include, exclude):
            target = inside(root, path.lstrip("/"))
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(store.read(path))


def write_input_files(
    ctx: RunContext, given: InputFiles | None, root: Path, extra: Mapping[str, Any]
) -> None:
    """Create each input file in ``root``: rendered text, or a stored file's content."""
    if given is None:
        return
    files = ctx.render(given, extra)
    if isinstance(files, str):
        text = files.strip()
        if text.startswith("kestra://"):
            text = ctx.files.read_bytes(text).decode()
        files = json.loads(text)
    if not isinstance(files, dict):
        raise TaskFailure("inputFiles must be a map of file names to contents or URIs")
    for name, value in files.items():
        if value is None:
            continue
        valid_filename(str(name))
        target = inside(root, str(name))
        target.parent.mkdir(parents=True, exist_ok=True)
        content = str(value)
        if content.startswith("kestra://"):
            target.write_bytes(ctx.files.read_bytes(content))
        else:
            target.write_text(content)


def valid_filename(name: str) -> None:
    """Kestra takes relative paths only for input and output files."""
    if name.startswith(("./", "..", "/")):
        raise TaskFailure(f"Invalid outputFile (only relative path is supported) for path '{name}'")


def inside(root: Path, name: str) -> Path:
    """``root / name``, refusing a name that would leave ``root``."""
    target = (root / name).resolve()
    if root.resolve() not in target.parents:
        raise TaskFailure(f"file '{name}' would be written outside the working directory")
    return target


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
