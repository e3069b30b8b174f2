"""``Upload``, ``Uploads``, ``Download`` and ``Downloads`` written once for every remote
protocol; each protocol's module joins one of these to its connection (not a plugin)."""

from typing import Any

from pydantic import Field

from tiercel.plugins.cloud.env import Env
from tiercel.plugins.cloud.sources import file_name
from tiercel.plugins.fs.properties import (
    ActionProperties,
    ChecksumProperties,
    ListingProperties,
    UploadsProperties,
    compiled,
    limited,
)
from tiercel.plugins.fs.remote.connection import RemoteConnection
from tiercel.plugins.fs.remote.operations import (
    download,
    file_object,
    listing,
    perform_action,
    upload,
)
from tiercel.sdk import Property, RunContext, RunnableTask, Text


class RemoteUpload(RemoteConnection, RunnableTask):
    """Upload one file of internal storage."""

    from_: Text = Field(alias="from", description="Source file (kestra:// URI).")
    to: Text | None = Field(
        default=None, description="Destination path; the source's file name when unset."
    )
    overwrite: Property[bool] = Field(
        default=True, description="Replace an existing file (fail when false)."
    )

    def run(self, ctx: RunContext) -> dict[str, Any]:
        """``from`` (the kestra:// URI) and ``to`` (the remote URI)."""
        env = Env.of_task(ctx)
        source = env.value(self.from_, str)
        target = env.optional(self.to, str) or "/" + file_name(source)
        overwrite = env.value(self.overwrite, bool)
        with self.open(env) as session:
            return {"from": source, "to": upload(env, session, source, target, overwrite)}


class RemoteUploads(RemoteConnection, UploadsProperties, RunnableTask):
    """Upload many files of internal storage into one directory."""

    def run(self, ctx: RunContext) -> dict[str, Any]:
        """``files``: the remote URIs written."""
        env = Env.of_task(ctx)
        targets = self.targets(env)
        directory = env.value(self.to, str).rstrip("/")
        overwrite = env.value(self.overwrite, bool)
        with self.open(env) as session:
            files = [
                upload(env, session, uri, f"{directory}/{name}", overwrite) for name, uri in targets
            ]
        return {"files": files}


class RemoteDownload(RemoteConnection, ChecksumProperties, RunnableTask):
    """Download one remote file into internal storage."""

    from_: Text = Field(alias="from", description="The remote file to download.")

    def run(self, ctx: RunContext) -> dict[str, Any]:
        """``from`` (the remote URI), ``to`` (kestra://) and ``checksum``."""
        env = Env.of_task(ctx)
        algorithm, expected = self.checksum_check(env)
        with self.open(env) as session:
            return download(env, session, env.value(self.from_, str), algorithm, expected)


class RemoteDownloads(RemoteConnection, ListingProperties, ActionProperties, RunnableTask):
    """Download the files of a remote directory, then MOVE, DELETE or keep them."""

    def run(self, ctx: RunContext) -> dict[str, Any]:
        """``files`` (Kestra's File objects, their ``path`` the kestra:// copy) and
        ``outputFiles`` (file name to kestra:// URI)."""
        env = Env.of_task(ctx)
        directory = env.value(self.from_, str)
        action, target = self.chosen_action(env)
        pattern = compiled(env.optional(self.reg_exp, str))
        recursive = env.value(self.recursive, bool)
        limit = env.value(self.max_files, int)
        with self.open(env) as session:
            with session.guard(f"Unable to list '{session.uri(directory)}'"):
                entries = listing(session, directory, pattern, recursive)
            entries = limited(env, entries, limit)
            files = []
            output_files = {}
            for entry in entries:
                stored = download(env, session, entry.path)["to"]
                files.append(file_object(entry, stored))
                output_files[entry.name] = stored
            perform_action(env, session, entries, action, target)
        return {"files": files, "outputFiles": output_files}
