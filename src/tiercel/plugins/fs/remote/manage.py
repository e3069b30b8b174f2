"""``Delete``, ``List`` and ``Move`` written once for every remote protocol (not a plugin)."""

from typing import Any

from pydantic import Field

from tiercel.plugins.cloud.env import Env
from tiercel.plugins.fs.properties import Sort, SortedListingProperties, compiled, limited
from tiercel.plugins.fs.remote.client import flow_path
from tiercel.plugins.fs.remote.connection import RemoteConnection
from tiercel.plugins.fs.remote.operations import (
    delete_tree,
    file_object,
    listing,
    move,
    sorted_entries,
)
from tiercel.sdk import LogLevel, Property, RunContext, RunnableTask, TaskFailure, Text


class RemoteDelete(RemoteConnection, RunnableTask):
    """Delete a remote file, a directory, or the files of a directory matching a pattern."""

    uri: Text = Field(description="The file or directory to delete.")
    error_on_missing: Property[bool] = Field(
        default=False, description="Fail when there is nothing to delete."
    )
    recursive: Property[bool] = Field(
        default=False, description="Delete a directory with everything in it."
    )
    reg_exp: Text | None = Field(
        default=None,
        description="Delete only the files under `uri` (a directory) whose whole path matches.",
    )

    def run(self, ctx: RunContext) -> dict[str, Any]:
        """``uri`` (the remote URI), ``deleted`` and ``uris`` (the files a pattern deleted)."""
        env = Env.of_task(ctx)
        path = flow_path(env.value(self.uri, str))
        missing = env.value(self.error_on_missing, bool)
        recursive = env.value(self.recursive, bool)
        pattern = compiled(env.optional(self.reg_exp, str))
        with self.open(env) as session, session.guard(f"Unable to delete '{session.uri(path)}'"):
            found = session.files.stat(path)
            if found is None:
                if missing:
                    kind = "directory" if pattern is not None else "file"
                    raise TaskFailure(f"Unable to find {kind} '{session.uri(path)}'")
                env.log(LogLevel.DEBUG, f"Path doesn't exist '{session.uri(path)}'")
                return {"uri": session.uri(path), "deleted": False, "uris": []}
            if pattern is not None:
                if not found.directory:
                    raise TaskFailure(f"'{session.uri(path)}' is not a directory: regExp needs one")
                matches = listing(session, path, pattern, recursive)
                if matches:
                    env.log(
                        LogLevel.WARN,
                        f"Deleting {len(matches)} file(s) matching regExp under "
                        f"'{session.uri(path)}'",
                    )
                for entry in matches:
                    session.files.remove(entry.path)
                uris = [session.uri(entry.path) for entry in matches]
                return {"uri": session.uri(path), "deleted": bool(uris), "uris": uris}
            if found.directory:
                if recursive:
                    delete_tree(session, path)
                else:
                    session.files.remove_directory(path)
            else:
                session.files.remove(path)
        env.log(LogLevel.DEBUG, f"Deleted path '{session.uri(path)}'")
        return {"uri": session.uri(path), "deleted": True, "uris": []}


class RemoteList(RemoteConnection, SortedListingProperties, RunnableTask):
    """List the files of a remote directory."""

    def run(self, ctx: RunContext) -> dict[str, Any]:
        """``files``: Kestra's File objects."""
        env = Env.of_task(ctx)
        directory = env.value(self.from_, str)
        pattern = compiled(env.optional(self.reg_exp, str))
        recursive = env.value(self.recursive, bool)
        order = env.value(self.sort, Sort)
        limit = env.value(self.max_files, int)
        with (
            self.open(env) as session,
            session.guard(f"Unable to list '{session.uri(directory)}'"),
        ):
            entries = listing(session, directory, pattern, recursive)
        entries = limited(env, sorted_entries(entries, order), limit)
        return {"files": [file_object(entry) for entry in entries]}


class RemoteMove(RemoteConnection, RunnableTask):
    """Move or rename a remote file or directory."""

    from_: Text = Field(alias="from", description="The file or directory to move.")
    to: Text = Field(
        description="Where to; ending with `/`, a directory that keeps the source's name."
    )
    overwrite: Property[bool] = Field(
        default=False, description="Replace an existing target (fail when false)."
    )

    def run(self, ctx: RunContext) -> dict[str, Any]:
        """``from`` and ``to``: the remote URIs."""
        env = Env.of_task(ctx)
        source = env.value(self.from_, str)
        target = env.value(self.to, str)
        overwrite = env.value(self.overwrite, bool)
        with self.open(env) as session:
            return move(env, session, source, target, overwrite)
