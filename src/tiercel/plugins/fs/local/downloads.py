"""``io.kestra.plugin.fs.local.Downloads``: copy the files of a local directory into internal
storage, then MOVE, DELETE or keep them."""

import shutil
from typing import Any

from tiercel.plugins.cloud.env import Env
from tiercel.plugins.fs.local.access import local_path
from tiercel.plugins.fs.local.download import stored
from tiercel.plugins.fs.local.files import file_object
from tiercel.plugins.fs.local.list_files import local_files
from tiercel.plugins.fs.properties import Action, ActionProperties, ListingProperties, limited
from tiercel.sdk import (
    Example,
    LogLevel,
    RunContext,
    RunnableTask,
    TaskFailure,
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
            "Store the CSV files of a folder (in the allowed paths), then move them",
            _EXAMPLE,
            needs=("allowed-paths",),
        )
    ],
)
class LocalDownloads(ListingProperties, ActionProperties, RunnableTask):
    """Copy the files of a local directory into internal storage, then MOVE, DELETE or keep
    them."""

    def run(self, ctx: RunContext) -> dict[str, Any]:
        """``files`` (Kestra's local File objects, ``uri`` the kestra:// copy) and
        ``outputFiles`` (local path to kestra:// URI)."""
        env = Env.of_task(ctx)
        directory = local_path(env.value(self.from_, str), "from", ctx)
        action, raw_target = self.chosen_action(env)
        target = None
        if action is Action.MOVE and raw_target is not None:
            target = local_path(raw_target, "moveDirectory", ctx)
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
