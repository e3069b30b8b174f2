"""The flow language's JSON Schema kept on disk, so that only the first run ever pays for it.

Generating the schema imports every plugin class and builds each one's pydantic schema:
seconds of CPU, on every server start, the first time an editor asks for completion. The
schema changes only when the plugins do, so it is kept in a file named by a key that changes
with them: the type names and the classes they name, and the size and modification time of
every Python file of the packages those classes live in (an editable install changes with no
new version), with pydantic's and Python's versions. When a package cannot be located (a class
defined in ``__main__``), nothing is kept: the schema is generated as before.
"""

import hashlib
import importlib.util
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

import pydantic

from tiercel.registry.catalog import Registry
from tiercel.registry.schema import flow_schema

PREFIX = "flow-schema-"
"""How the kept files' names begin; older ones are removed when a new one is written."""


def cached_flow_schema(registry: Registry, folder: Path | None) -> dict[str, Any]:
    """The flow schema of ``registry``: read from ``folder`` when kept there for the same
    plugins, else generated (and kept, when ``folder`` is given and writable)."""
    key = schema_key(registry) if folder is not None else None
    if folder is None or key is None:
        return flow_schema(registry)
    path = folder / f"{PREFIX}{key}.json"
    try:
        kept: dict[str, Any] = json.loads(path.read_bytes())
        return kept
    except (OSError, ValueError):
        pass  # not kept yet, or unreadable: generate it again
    schema = flow_schema(registry)
    _keep(folder, path, schema)
    return schema


def schema_key(registry: Registry) -> str | None:
    """What the schema depends on, hashed; None when a plugin's source cannot be located."""
    targets = registry.targets()
    digest = hashlib.sha256()
    digest.update(f"{sys.version}\0{pydantic.VERSION}\0".encode())
    for name in sorted(targets):
        digest.update(f"{name}={targets[name]}\0".encode())
    packages = sorted({target.split(":", 1)[0].split(".", 1)[0] for target in targets.values()})
    for package in packages:
        files = _package_files(package)
        if files is None:
            return None
        for path, size, mtime in files:
            digest.update(f"{path}\0{size}\0{mtime}\0".encode())
    return digest.hexdigest()[:32]


def _package_files(package: str) -> list[tuple[str, int, int]] | None:
    """Each Python file of a top-level package or module with its size and mtime."""
    try:
        spec = importlib.util.find_spec(package)
    except (ImportError, ValueError):
        return None
    if spec is None:
        return None
    roots = list(spec.submodule_search_locations or ())
    if not roots:
        if not spec.origin or not os.path.isfile(spec.origin):
            return None
        stat = os.stat(spec.origin)
        return [(spec.origin, stat.st_size, stat.st_mtime_ns)]
    found: list[tuple[str, int, int]] = []
    for root in roots:
        for folder, subfolders, names in os.walk(root):
            subfolders.sort()
            for name in sorted(names):
                if name.endswith(".py"):
                    path = os.path.join(folder, name)
                    stat = os.stat(path)
                    found.append((path, stat.st_size, stat.st_mtime_ns))
    return found


def _keep(folder: Path, path: Path, schema: dict[str, Any]) -> None:
    """Write the schema atomically and remove the files of other keys; a folder that cannot
    be written only means the next run generates the schema again."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("wb", dir=folder, prefix=".", delete=False) as out:
            written = Path(out.name)
            try:
                out.write(json.dumps(schema, separators=(",", ":")).encode())
            except OSError:
                written.unlink(missing_ok=True)
                raise
        os.replace(written, path)
        for other in folder.glob(f"{PREFIX}*.json"):
            if other != path:
                other.unlink(missing_ok=True)
    except OSError:
        return
