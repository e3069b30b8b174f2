"""``io.kestra.plugin.fs.local.Uploads``: write files of internal storage into a local
directory."""

from typing import Any

from tiercel.plugins.cloud.env import Env
from tiercel.plugins.fs.local.access import local_path, write_local
from tiercel.plugins.fs.properties import UploadsProperties
from tiercel.sdk import RunContext, RunnableTask, plugin


@plugin("io.kestra.plugin.fs.local.Uploads")
class LocalUploads(UploadsProperties, RunnableTask):
    """Write files of internal storage into a local directory under the allowed paths."""

    def run(self, ctx: RunContext) -> dict[str, Any]:
        """``files``: the local ``file://`` URIs written."""
        env = Env.of_task(ctx)
        targets = self.targets(env)
        directory = local_path(env.value(self.to, str), "to", ctx)
        overwrite = env.value(self.overwrite, bool)
        files = []
        for name, uri in targets:
            # Checked again: a map's file name could climb out with "../".
            target = local_path(str(directory / name), "to", ctx)
            write_local(env, uri, target, overwrite)
            files.append(target.as_uri())
        return {"files": files}
