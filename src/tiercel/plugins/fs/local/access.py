"""The allowed-paths rule of the local file tasks (Kestra's ``allowed-paths``), shared by the
``io.kestra.plugin.fs.local`` tasks (not a plugin).

A task may touch a local path only when, with symbolic links and ``..`` resolved, it lies under
one of the folders listed in the ``TIERCEL_ALLOWED_PATHS`` environment variable of the worker
(a JSON list, the server's ``allowed_paths`` setting when given through the environment). With
none listed, every local path is refused: nothing is touched by default.
"""

import json
import os
import shutil
from pathlib import Path

from tiercel.plugins.cloud.env import Env
from tiercel.sdk import LogLevel, TaskFailure

ALLOWED_PATHS_ENV = "TIERCEL_ALLOWED_PATHS"


def allowed_roots() -> list[Path]:
    """The folders local tasks may use, resolved.

    Raises:
        TaskFailure: None is configured, or the variable is not a JSON list of paths.
    """
    text = os.environ.get(ALLOWED_PATHS_ENV, "").strip()
    roots: list[str] = []
    if text:
        try:
            parsed = json.loads(text)
        except json.JSONDecodeError:
            parsed = None
        if not isinstance(parsed, list) or not all(isinstance(r, str) and r for r in parsed):
            raise TaskFailure(
                f"{ALLOWED_PATHS_ENV} must be a JSON list of folders, such as '[\"/data/files\"]'"
            )
        roots = parsed
    if not roots:
        raise TaskFailure(
            "Local file tasks need allowed paths: list the folders they may use in the "
            f"worker's {ALLOWED_PATHS_ENV} (a JSON list, such as '[\"/data/files\"]')"
        )
    return [Path(os.path.realpath(root)) for root in roots]


def local_path(raw: str, prop: str, base: Path) -> Path:
    """The absolute, normalised path of a property (relative to ``base``, the task's working
    directory), once checked against the allowed paths.

    Raises:
        TaskFailure: The path is outside every allowed folder.
    """
    path = Path(os.path.normpath(base / raw))
    real = Path(os.path.realpath(path))
    roots = allowed_roots()
    if not any(real == root or root in real.parents for root in roots):
        listed = ", ".join(f"'{root}'" for root in roots)
        raise TaskFailure(
            f"Access to path '{real}' ({prop}) is denied: it must be within one of the "
            f"allowed paths: {listed}"
        )
    return path


def write_local(env: Env, source: str, target: Path, overwrite: bool) -> None:
    """Copy an internal-storage file to ``target``, its parents created.

    Raises:
        TaskFailure: ``source`` is not a kestra:// URI, ``target`` exists and ``overwrite`` is
            false, or the file cannot be written.
    """
    if not source.startswith("kestra://"):
        raise TaskFailure("'from' must be a Kestra's internal storage URI")
    if not overwrite and target.exists():
        raise TaskFailure(
            f"Target file already exists: {target}. Set 'overwrite: true' to replace it."
        )
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with env.open(source) as data, target.open("wb") as out:
            shutil.copyfileobj(data, out)
    except OSError as exc:
        raise TaskFailure(f"Unable to write '{target}': {exc.strerror or exc}") from None
    env.log(LogLevel.DEBUG, f"Copied {source} to {target}")
