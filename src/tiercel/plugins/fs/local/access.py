"""The allowed-paths rule of the local file tasks (Kestra's ``allowed-paths``), shared by the
``io.kestra.plugin.fs.local`` tasks (not a plugin).

A task may touch a local path only when, with symbolic links and ``..`` resolved, it lies in
the task's working directory or under one of the folders the worker allows: the server's
``allowed-paths`` setting (``TIERCEL_ALLOWED_PATHS``, also read by ``tiercel flow test``).
With none configured, nothing outside the working directory is touched.
"""

import os
import shutil
from pathlib import Path

from tiercel.plugins.cloud.env import Env
from tiercel.sdk import LogLevel, RunContext, TaskFailure

ALLOWED_PATHS_ENV = "TIERCEL_ALLOWED_PATHS"


def local_path(raw: str, prop: str, ctx: RunContext) -> Path:
    """The absolute, normalised path of a property (relative to the task's working directory),
    once checked against the allowed paths.

    Raises:
        TaskFailure: The path is neither in the working directory nor in an allowed folder.
    """
    base = ctx.working_dir()
    path = Path(os.path.normpath(base / raw))
    real = Path(os.path.realpath(path))
    work = Path(os.path.realpath(base))
    if real != work and work not in real.parents and not ctx.allowed_path(str(real)):
        raise TaskFailure(
            f"Access to path '{real}' ({prop}) is denied: only the task's working directory "
            "and the folders of the server's allowed-paths setting "
            f"(or {ALLOWED_PATHS_ENV}) may be used"
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
