"""``io.kestra.plugin.fs.local.Uploads``: write files of internal storage into a local
directory."""

from typing import Any

from pydantic import Field

from tiercel.plugins.cloud.env import Env
from tiercel.plugins.cloud.sources import sources
from tiercel.plugins.fs.local.access import local_path, write_local
from tiercel.plugins.fs.remote.operations import DEFAULT_MAX_FILES, compiled, limited
from tiercel.sdk import Property, RunContext, RunnableTask, Text, plugin


@plugin("io.kestra.plugin.fs.local.Uploads")
class LocalUploads(RunnableTask):
    """Write files of internal storage into a local directory under the allowed paths."""

    from_: Any = Field(
        alias="from",
        description="kestra:// URIs: one, a list, a map of file names to URIs, or a JSON "
        "string of either.",
    )
    to: Text = Field(description="Destination directory.")
    reg_exp: Text | None = Field(
        default=None, description="Only source URIs fully matching this regular expression."
    )
    max_files: Property[int] = Field(default=DEFAULT_MAX_FILES, description="Write at most this.")
    overwrite: Property[bool] = Field(
        default=True, description="Replace existing files (fail when false)."
    )

    def run(self, ctx: RunContext) -> dict[str, Any]:
        """``files``: the local ``file://`` URIs written."""
        env = Env.of_task(ctx)
        targets = list(sources(env.render(self.from_)).items())
        pattern = compiled(env.optional(self.reg_exp, str))
        if pattern is not None:
            targets = [(name, uri) for name, uri in targets if pattern.fullmatch(uri)]
        targets = limited(env, targets, env.value(self.max_files, int))
        directory = local_path(env.value(self.to, str), "to", ctx.working_dir())
        overwrite = env.value(self.overwrite, bool)
        files = []
        for name, uri in targets:
            # Checked again: a map's file name could climb out with "../".
            target = local_path(str(directory / name), "to", ctx.working_dir())
            write_local(env, uri, target, overwrite)
            files.append(target.as_uri())
        return {"files": files}
