"""``io.kestra.plugin.fs.local.Upload``: write a file of internal storage to a local path."""

from typing import Any

from pydantic import Field

from tiercel.plugins.cloud.env import Env
from tiercel.plugins.cloud.sources import file_name
from tiercel.plugins.fs.local.access import local_path, write_local
from tiercel.sdk import Property, RunContext, RunnableTask, Text, plugin


@plugin("io.kestra.plugin.fs.local.Upload")
class LocalUpload(RunnableTask):
    """Write a file of internal storage to a local path under the allowed paths."""

    from_: Text = Field(alias="from", description="Source file (kestra:// URI).")
    to: Text | None = Field(
        default=None,
        description="Destination path (a directory keeps the source's name); the working "
        "directory and the source's name when unset.",
    )
    overwrite: Property[bool] = Field(
        default=True, description="Replace an existing file (fail when false)."
    )

    def run(self, ctx: RunContext) -> dict[str, Any]:
        """``uri`` (the local ``file://`` URI) and ``size``."""
        env = Env.of_task(ctx)
        source = env.value(self.from_, str)
        name = file_name(source)
        target = local_path(env.optional(self.to, str) or name, "to", ctx)
        if target.is_dir():
            target = local_path(str(target / name), "to", ctx)
        write_local(env, source, target, env.value(self.overwrite, bool))
        return {"uri": target.as_uri(), "size": target.stat().st_size}
