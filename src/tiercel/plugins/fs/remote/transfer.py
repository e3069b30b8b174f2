"""``Upload``, ``Uploads``, ``Download`` and ``Downloads`` written once for every remote
protocol; each protocol's module joins one of these to its connection (not a plugin)."""

from typing import Any

from pydantic import Field

from tiercel.plugins.cloud.env import Env
from tiercel.plugins.cloud.sources import file_name, sources
from tiercel.plugins.fs.checksum import Algorithm, expected_checksum
from tiercel.plugins.fs.remote.connection import RemoteConnection
from tiercel.plugins.fs.remote.operations import (
    DEFAULT_MAX_FILES,
    Action,
    compiled,
    download,
    file_object,
    limited,
    listing,
    perform_action,
    upload,
)
from tiercel.sdk import LogLevel, Property, RunContext, RunnableTask, TaskFailure, Text


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


class RemoteUploads(RemoteConnection, RunnableTask):
    """Upload many files of internal storage into one directory."""

    from_: Any = Field(
        alias="from",
        description="kestra:// URIs: one, a list, a map of file names to URIs, or a JSON "
        "string of either.",
    )
    to: Text = Field(description="Destination directory.")
    reg_exp: Text | None = Field(
        default=None, description="Only source URIs fully matching this regular expression."
    )
    max_files: Property[int] = Field(default=DEFAULT_MAX_FILES, description="Upload at most this.")
    overwrite: Property[bool] = Field(
        default=True, description="Replace existing files (fail when false)."
    )

    def run(self, ctx: RunContext) -> dict[str, Any]:
        """``files``: the remote URIs written."""
        env = Env.of_task(ctx)
        targets = list(sources(env.render(self.from_)).items())
        pattern = compiled(env.optional(self.reg_exp, str))
        if pattern is not None:
            total = len(targets)
            targets = [(name, uri) for name, uri in targets if pattern.fullmatch(uri)]
            env.log(LogLevel.DEBUG, f"Matched {len(targets)} of {total} files")
        targets = limited(env, targets, env.value(self.max_files, int))
        directory = env.value(self.to, str).rstrip("/")
        overwrite = env.value(self.overwrite, bool)
        with self.open(env) as session:
            files = [
                upload(env, session, uri, f"{directory}/{name}", overwrite) for name, uri in targets
            ]
        return {"files": files}


class RemoteDownload(RemoteConnection, RunnableTask):
    """Download one remote file into internal storage."""

    from_: Text = Field(alias="from", description="The remote file to download.")
    validate_checksum: Property[bool] = Field(
        default=False,
        description="Fail, storing nothing, when the checksum is not `checksumExpected`.",
    )
    checksum_expected: Text | None = Field(
        default=None, description="The expected checksum (hex, any case)."
    )
    checksum_algorithm: Property[Algorithm] = Field(
        default=Algorithm.SHA_256, description="The algorithm of `checksum`."
    )

    def run(self, ctx: RunContext) -> dict[str, Any]:
        """``from`` (the remote URI), ``to`` (kestra://) and ``checksum``."""
        env = Env.of_task(ctx)
        expected = expected_checksum(env, self.validate_checksum, self.checksum_expected)
        algorithm = env.value(self.checksum_algorithm, Algorithm)
        with self.open(env) as session:
            return download(env, session, env.value(self.from_, str), algorithm, expected)


class RemoteDownloads(RemoteConnection, RunnableTask):
    """Download the files of a remote directory, then MOVE, DELETE or keep them."""

    from_: Text = Field(alias="from", description="The remote directory to list.")
    action: Property[Action] | None = Field(
        default=None, description="MOVE or DELETE the files once downloaded (NONE: keep them)."
    )
    move_directory: Text | None = Field(
        default=None, description="Where `action: MOVE` puts the files."
    )
    reg_exp: Text | None = Field(
        default=None, description="Only files whose whole path matches this regular expression."
    )
    recursive: Property[bool] = Field(default=False, description="Include subdirectories.")
    max_files: Property[int] = Field(
        default=DEFAULT_MAX_FILES, description="Download at most this many files."
    )

    def run(self, ctx: RunContext) -> dict[str, Any]:
        """``files`` (Kestra's File objects, their ``path`` the kestra:// copy) and
        ``outputFiles`` (file name to kestra:// URI)."""
        env = Env.of_task(ctx)
        directory = env.value(self.from_, str)
        action = env.optional(self.action, Action) or Action.NONE
        target = env.optional(self.move_directory, str)
        if action is Action.MOVE and target is None:
            raise TaskFailure("moveDirectory must be specified when action is MOVE")
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
