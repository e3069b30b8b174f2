"""``io.kestra.plugin.fs.local.Downloads``: copy the files of a local directory into internal
storage, then MOVE, DELETE or keep them."""

import shutil
from typing import Any

from pydantic import Field

from tiercel.plugins.cloud.env import Env
from tiercel.plugins.fs.local.access import local_path
from tiercel.plugins.fs.local.download import stored
from tiercel.plugins.fs.local.files import file_object
from tiercel.plugins.fs.local.list_files import local_files
from tiercel.plugins.fs.remote.operations import DEFAULT_MAX_FILES, Action, limited
from tiercel.sdk import (
    Example,
    LogLevel,
    Property,
    RunContext,
    RunnableTask,
    TaskFailure,
    Text,
    plugin,
)

_EXAMPLE = """
id: local_downloads
namespace: company.team
tasks:
  - id: downloads
    type: io.kestra.plugin.fs.local.Downloads
    from: /data/incoming
    regExp: ".*\\\\.csv"
    action: MOVE
    moveDirectory: /data/processed
  - id: log
    type: io.kestra.plugin.core.log.Log
    message: "{{ outputs.downloads.outputFiles }}"
"""


@plugin(
    "io.kestra.plugin.fs.local.Downloads",
    examples=[
        Example(
            "Store the CSV files of a folder (listed in TIERCEL_ALLOWED_PATHS), then move them",
            _EXAMPLE,
            needs=("allowed-paths",),
        )
    ],
)
class LocalDownloads(RunnableTask):
    """Copy the files of a local directory into internal storage, then MOVE, DELETE or keep
    them."""

    from_: Text = Field(alias="from", description="The directory to list.")
    action: Property[Action] = Field(
        default=Action.NONE, description="MOVE or DELETE the files once stored."
    )
    move_directory: Text | None = Field(
        default=None, description="Where `action: MOVE` puts the files."
    )
    reg_exp: Text | None = Field(
        default=None, description="Only files whose whole path matches this regular expression."
    )
    recursive: Property[bool] = Field(default=False, description="Include subdirectories.")
    max_files: Property[int] = Field(
        default=DEFAULT_MAX_FILES, description="Copy at most this many files."
    )

    def run(self, ctx: RunContext) -> dict[str, Any]:
        """``files`` (Kestra's local File objects, ``uri`` the kestra:// copy) and
        ``outputFiles`` (local path to kestra:// URI)."""
        env = Env.of_task(ctx)
        directory = local_path(env.value(self.from_, str), "from", ctx.working_dir())
        action = env.value(self.action, Action)
        target = None
        if action is Action.MOVE:
            raw = env.optional(self.move_directory, str)
            if raw is None:
                raise TaskFailure("moveDirectory must be specified when action is MOVE")
            target = local_path(raw, "moveDirectory", ctx.working_dir())
        paths = local_files(env, directory, self.reg_exp, env.value(self.recursive, bool))
        paths = limited(env, paths, env.value(self.max_files, int))
        files = []
        output_files = {}
        for path in paths:
            info = path.stat()
            uri, _ = stored(env, path)
            files.append({**file_object(path, info), "uri": uri})
            output_files[str(path)] = uri
        try:
            for path in paths:
                if action is Action.DELETE:
                    path.unlink(missing_ok=True)
                elif target is not None:
                    target.mkdir(parents=True, exist_ok=True)
                    shutil.move(path, target / path.name)
                env.log(LogLevel.DEBUG, f"{action.value} done on '{path}'")
        except OSError as exc:
            raise TaskFailure(f"Unable to {action.value} the files: {exc}") from None
        return {"files": files, "outputFiles": output_files}
