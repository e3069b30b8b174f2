"""``io.kestra.plugin.fs.local.Copy``: copy a local file or directory."""

import shutil

from pydantic import Field

from tiercel.plugins.cloud.env import Env
from tiercel.plugins.fs.local.access import local_path
from tiercel.sdk import LogLevel, Property, RunContext, RunnableTask, TaskFailure, Text, plugin


@plugin("io.kestra.plugin.fs.local.Copy")
class LocalCopy(RunnableTask[None]):
    """Copy a local file or directory within the allowed paths."""

    from_: Text = Field(alias="from", description="The file or directory to copy.")
    to: Text = Field(description="The destination (an existing directory keeps the name).")
    overwrite: Property[bool] = Field(
        default=False,
        description="Replace existing files (false: fail for a file, skip within a directory).",
    )

    def run(self, ctx: RunContext) -> None:
        """Copy; no outputs."""
        env = Env.of_task(ctx)
        source = local_path(env.value(self.from_, str), "from", ctx)
        target = local_path(env.value(self.to, str), "to", ctx)
        overwrite = env.value(self.overwrite, bool)
        if not source.exists():
            raise TaskFailure(f"Source path does not exist: {source}")
        try:
            if source.is_dir():
                if target == source or source in target.parents:
                    raise TaskFailure("Cannot copy a directory into itself or its subdirectory")
                if target.exists() and not target.is_dir():
                    raise TaskFailure(f"Cannot copy a directory to a file: {target}")
                for item in sorted(source.rglob("*")):
                    destination = target / item.relative_to(source)
                    if item.is_dir():
                        destination.mkdir(parents=True, exist_ok=True)
                    elif destination.exists() and not overwrite:
                        env.log(
                            LogLevel.WARN, f"Target file already exists, skipped: {destination}"
                        )
                    elif item.is_file() and not item.is_symlink():
                        destination.parent.mkdir(parents=True, exist_ok=True)
                        shutil.copyfile(item, destination)
                target.mkdir(parents=True, exist_ok=True)
            else:
                if target.is_dir():
                    target = target / source.name
                if target.exists() and not overwrite:
                    raise TaskFailure(
                        f"Target file already exists: {target}. Set 'overwrite: true' to "
                        "replace the existing file."
                    )
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(source, target)
        except OSError as exc:
            raise TaskFailure(f"Unable to copy '{source}': {exc.strerror or exc}") from None
        env.log(LogLevel.INFO, f"Copied '{source}' to '{target}'")
