"""``io.kestra.plugin.fs.local.List``: list the files of a local directory."""

import os
from pathlib import Path
from typing import Any

from tiercel.plugins.cloud.env import Env
from tiercel.plugins.fs.local.access import local_path
from tiercel.plugins.fs.local.files import file_object
from tiercel.plugins.fs.properties import Sort, SortedListingProperties, compiled, limited
from tiercel.sdk import RunContext, RunnableTask, TaskFailure, plugin


def local_files(env: Env, directory: Path, reg_exp: Any, recursive: bool) -> list[Path]:
    """The regular files of ``directory`` (and below when recursive) whose whole path matches
    ``regExp``. Symbolic links are left out: one could lead out of the allowed paths."""
    if not directory.exists():
        raise TaskFailure(f"Source path does not exist: {directory}")
    pattern = compiled(env.optional(reg_exp, str))
    found: list[Path] = []
    for root, dirs, names in os.walk(directory):
        dirs.sort()
        for name in sorted(names):
            path = Path(root) / name
            if path.is_symlink() or not path.is_file():
                continue
            if pattern is None or pattern.fullmatch(str(path)):
                found.append(path)
        if not recursive:
            break
    return found


def _ordered(paths: list[Path], sort: Sort) -> list[Path]:
    if sort in (Sort.NAME_ASC, Sort.NAME_DESC):
        return sorted(paths, key=lambda p: p.name, reverse=sort is Sort.NAME_DESC)
    if sort in (Sort.LAST_MODIFIED_ASC, Sort.LAST_MODIFIED_DESC):
        return sorted(
            paths, key=lambda p: p.stat().st_mtime_ns, reverse=sort is Sort.LAST_MODIFIED_DESC
        )
    return paths


@plugin("io.kestra.plugin.fs.local.List")
class LocalList(SortedListingProperties, RunnableTask):
    """List the files of a local directory under the allowed paths."""

    def run(self, ctx: RunContext) -> dict[str, Any]:
        """``files`` (Kestra's local File objects) and ``count``."""
        env = Env.of_task(ctx)
        directory = local_path(env.value(self.from_, str), "from", ctx)
        paths = local_files(env, directory, self.reg_exp, env.value(self.recursive, bool))
        paths = limited(
            env, _ordered(paths, env.value(self.sort, Sort)), env.value(self.max_files, int)
        )
        files = [file_object(path, path.stat()) for path in paths]
        return {"files": files, "count": len(files)}
