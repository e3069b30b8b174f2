"""``io.kestra.plugin.fs.local.Move``: move or rename a local file or directory."""

import shutil

from pydantic import Field

from tiercel.plugins.cloud.env import Env
from tiercel.plugins.fs.local.access import local_path
from tiercel.sdk import LogLevel, Property, RunContext, RunnableTask, TaskFailure, Text, plugin


@plugin("io.kestra.plugin.fs.local.Move")
class LocalMove(RunnableTask[None]):
    """Move or rename a local file or directory within the allowed paths."""

    from_: Text = Field(alias="from", description="The file or directory to move.")
    to: Text = Field(
        description="The destination (an existing directory, or one ending with `/`, keeps "
        "the name)."
    )
    overwrite: Property[bool] = Field(
        default=False, description="Replace an existing file (fail when false)."
    )

    def run(self, ctx: RunContext) -> None:
        """Move; no outputs."""
        env = Env.of_task(ctx)
        raw_target = env.value(self.to, str)
        source = local_path(env.value(self.from_, str), "from", ctx)
        target = local_path(raw_target, "to", ctx)
        overwrite = env.value(self.overwrite, bool)
        if not source.exists():
            raise TaskFailure(f"Source path does not exist: {source}")
        if target.is_dir() or raw_target.endswith("/"):
            if source.is_dir() and (target == source or source in target.parents):
                raise TaskFailure("Cannot move a directory into itself or its subdirectory")
            target.mkdir(parents=True, exist_ok=True)
            target = target / source.name
        if target.exists():
            if not overwrite:
                raise TaskFailure(
                    f"Target file already exists: {target}. Set 'overwrite: true' to replace "
                    "the existing file."
                )
            if target.is_dir() != source.is_dir():
                raise TaskFailure(f"Cannot replace '{target}' with '{source}': not the same kind")
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            if target.is_dir():
                shutil.rmtree(target)
            shutil.move(source, target)
        except OSError as exc:
            raise TaskFailure(f"Unable to move '{source}': {exc.strerror or exc}") from None
        env.log(LogLevel.INFO, f"Moved '{source}' to '{target}'")
