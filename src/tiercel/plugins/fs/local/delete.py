"""``io.kestra.plugin.fs.local.Delete``: delete a local file, a directory, or the files of a
directory matching a pattern."""

import shutil
from typing import Any

from pydantic import Field

from tiercel.plugins.cloud.env import Env
from tiercel.plugins.fs.local.access import local_path
from tiercel.plugins.fs.local.list_files import local_files
from tiercel.sdk import LogLevel, Property, RunContext, RunnableTask, TaskFailure, Text, plugin


@plugin("io.kestra.plugin.fs.local.Delete")
class LocalDelete(RunnableTask):
    """Delete a local file or directory under the allowed paths."""

    from_: Text = Field(alias="from", description="The file or directory to delete.")
    error_on_missing: Property[bool] = Field(
        default=False, description="Fail when there is nothing to delete."
    )
    recursive: Property[bool] = Field(
        default=False, description="Delete a directory with everything in it."
    )
    reg_exp: Text | None = Field(
        default=None,
        description="Delete only the files under `from` (a directory) whose whole absolute "
        "path matches.",
    )

    def run(self, ctx: RunContext) -> dict[str, Any]:
        """``uri`` (``file://``), ``deleted`` and ``uris`` (the files a pattern deleted)."""
        env = Env.of_task(ctx)
        path = local_path(env.value(self.from_, str), "from", ctx)
        recursive = env.value(self.recursive, bool)
        if not path.exists() and not path.is_symlink():
            if env.value(self.error_on_missing, bool):
                raise TaskFailure(
                    f"File does not exist '{path}'. To avoid this error, configure "
                    "`errorOnMissing: false` in your configuration."
                )
            env.log(LogLevel.DEBUG, f"File doesn't exist '{path}'")
            return {"uri": path.as_uri(), "deleted": False, "uris": []}
        try:
            if self.reg_exp is not None:
                if not path.is_dir():
                    raise TaskFailure(f"'{path}' is not a directory: regExp needs one")
                matches = local_files(env, path, self.reg_exp, recursive)
                env.log(
                    LogLevel.WARN, f"Deleting {len(matches)} file(s) matching regExp under '{path}'"
                )
                for match in matches:
                    match.unlink()
                uris = [match.as_uri() for match in matches]
                return {"uri": path.as_uri(), "deleted": bool(uris), "uris": uris}
            if path.is_dir() and not path.is_symlink():
                if not recursive:
                    path.rmdir()
                else:
                    shutil.rmtree(path)
            else:
                path.unlink()
        except OSError as exc:
            raise TaskFailure(f"Unable to delete '{path}': {exc.strerror or exc}") from None
        env.log(LogLevel.DEBUG, f"Deleted '{path}'")
        return {"uri": path.as_uri(), "deleted": True, "uris": []}
