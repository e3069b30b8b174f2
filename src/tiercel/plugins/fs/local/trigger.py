"""``io.kestra.plugin.fs.local.Trigger``: poll a local directory and start one execution for
the files that appeared or changed since the last poll."""

import os
import re
import shutil
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from pydantic import Field

from tiercel.plugins.fs.local.files import compiled, confined, file_object, rendered
from tiercel.plugins.fs.properties import Action, On
from tiercel.sdk import (
    Duration,
    Emission,
    LogLevel,
    PollingTrigger,
    Property,
    TaskFailure,
    Text,
    TriggerContext,
    plugin,
)

DEFAULT_MAX_FILES = 25


@plugin("io.kestra.plugin.fs.local.Trigger")
class LocalTrigger(PollingTrigger):
    """Poll a local directory under the allowed paths; fire for files created or updated."""

    interval: Duration = Field(default=timedelta(seconds=60), description="Time between polls.")
    from_: Text = Field(alias="from", description="The directory to watch.")
    move_directory: Text | None = Field(
        default=None, description="Where `action: MOVE` puts the files (created if missing)."
    )
    reg_exp: Text | None = Field(
        default=None,
        description="Only files whose name, or absolute path, matches this regular expression.",
    )
    recursive: Property[bool] = Field(default=False, description="Include subdirectories.")
    action: Property[Action] = Field(
        default=Action.NONE, description="MOVE or DELETE the files once they are stored."
    )
    on: Property[On] = Field(
        default=On.CREATE_OR_UPDATE,
        description="CREATE: new files only; UPDATE: changed files only; or both.",
    )
    state_key: Text | None = Field(
        default=None,
        description="Name of the memory of seen files (default `<namespace>_<flowId>_<id>`); "
        "a new key forgets what the old one saw.",
    )
    state_ttl: Property[Duration] | None = Field(
        default=None, description="Forget a file seen and unchanged for this long."
    )
    max_files: Property[int] = Field(
        default=DEFAULT_MAX_FILES,
        description="At most this many files per execution; the rest wait for the next poll.",
    )
    allowed_paths: Property[list[str]] | None = Field(
        default=None,
        description="Deprecated (Kestra 0.2x): directories the trigger may read, within the "
        "server's allowed paths.",
    )

    def evaluate(self, ctx: TriggerContext) -> list[Emission]:
        """One emission with ``files`` (each with its ``changeType``) and ``count`` when files
        were created or updated since the last poll; none otherwise.

        A file is known by its device and inode and is new or updated by its modification
        time and path, as Kestra's stateful triggers do; the memory lives in ``ctx.state``.

        Raises:
            TaskFailure: A path outside the allowed paths, a missing directory, an invalid
                property.
        """
        extra = self._allowed_paths(ctx)
        directory = confined(ctx, rendered(ctx, self.from_, str), "from", extra)
        action = rendered(ctx, self.action, Action)
        target: Path | None = None
        if action is Action.MOVE:
            if self.move_directory is None:
                raise TaskFailure("moveDirectory must be specified when action is MOVE")
            target = confined(ctx, rendered(ctx, self.move_directory, str), "moveDirectory", extra)
        on = rendered(ctx, self.on, On)
        limit = rendered(ctx, self.max_files, int)
        pattern = compiled(ctx, self.reg_exp)
        recursive = rendered(ctx, self.recursive, bool)
        if not directory.is_dir():
            raise TaskFailure(f"Directory does not exist: {directory}")

        now = ctx.now()
        seen = self._memory(ctx, now)
        kept: dict[str, dict[str, Any]] = {}
        fired: list[tuple[Path, os.stat_result, str]] = []
        waiting = 0
        for path, info in _listing(directory, recursive, pattern):
            key = f"(dev={info.st_dev:x},ino={info.st_ino})"
            version = f"{info.st_mtime_ns // 1_000_000}_{path.as_uri()}"
            previous = seen.get(key)
            change = _change(previous, version, on)
            if change is not None and len(fired) >= limit:
                # Not remembered, so the file fires at a later poll: Kestra's maxFiles is a
                # limit per poll, not a reason to drop files.
                waiting += 1
                if previous is not None:
                    kept[key] = previous
                continue
            # An unchanged file keeps the time it was last new or changed: ``stateTtl``
            # counts from then, as in Kestra.
            last_seen = now if change is not None else _last_seen(previous, now)
            kept[key] = {
                "version": version,
                "modifiedAt": info.st_mtime_ns,
                "lastSeenAt": last_seen.isoformat(),
            }
            if change is not None:
                fired.append((path, info, change))
        if waiting:
            ctx.log(
                LogLevel.WARN,
                f"Too many files to process ({len(fired) + waiting}), limiting to {limit}",
            )
        # Stored before the memory is written: a copy that fails leaves its file unseen, to
        # fire at the next poll.
        files = [_stored(ctx, path, info, change) for path, info, change in fired]
        # Files gone from the directory are forgotten, so the memory does not grow without
        # end when MOVE or DELETE empties the directory at every poll.
        ctx.state["key"] = self._state_key(ctx)
        ctx.state["files"] = kept
        if not files:
            return []
        try:
            if action is Action.DELETE:
                for path, _, _ in fired:
                    path.unlink(missing_ok=True)
                    ctx.log(LogLevel.DEBUG, f"Deleted file '{path}'")
            elif target is not None:
                target.mkdir(parents=True, exist_ok=True)
                for entry, (path, _, _) in zip(files, fired, strict=True):
                    moved = target / path.name
                    # Replaces a file of the same name, as Kestra's REPLACE_EXISTING move does.
                    shutil.move(path, moved)
                    ctx.log(LogLevel.DEBUG, f"Moved file '{path}' to '{moved}'")
                    # The reported paths follow the file to where it now is.
                    entry.update(
                        localPath=moved.as_uri(), name=moved.name, parent=str(moved.parent)
                    )
        except OSError as exc:
            raise TaskFailure(f"Unable to {action.value} the files: {exc}") from None
        return [Emission(variables={"files": files, "count": len(files)})]

    def _allowed_paths(self, ctx: TriggerContext) -> list[str] | None:
        if self.allowed_paths is None:
            return None
        paths = ctx.render(self.allowed_paths)
        if not isinstance(paths, list) or not paths:
            raise TaskFailure("'allowedPaths' must list at least one directory")
        return [str(path) for path in paths]

    def _state_key(self, ctx: TriggerContext) -> str:
        if self.state_key is not None:
            return rendered(ctx, self.state_key, str)
        return f"{ctx.namespace}_{ctx.flow_id}_{self.id}"

    def _memory(self, ctx: TriggerContext, now: datetime) -> dict[str, dict[str, Any]]:
        """The files seen before, under the current key and younger than ``stateTtl``."""
        if ctx.state.get("key") != self._state_key(ctx):
            return {}
        stored = ctx.state.get("files")
        if not isinstance(stored, dict):
            return {}
        ttl = rendered(ctx, self.state_ttl, timedelta) if self.state_ttl is not None else None
        if ttl is None:
            return dict(stored)
        return {key: entry for key, entry in stored.items() if _last_seen(entry, now) > now - ttl}


def _listing(
    directory: Path, recursive: bool, pattern: re.Pattern[str] | None
) -> Iterator[tuple[Path, os.stat_result]]:
    """The regular files of the directory (and below it when recursive), sorted by path.

    Symbolic links are skipped, as Kestra's listing skips them: a link could lead out of the
    allowed paths. The pattern must match the whole name or the whole absolute path.
    """
    paths: list[Path] = []
    for root, dirs, names in os.walk(directory):
        dirs.sort()
        paths.extend(Path(root) / name for name in names)
        if not recursive:
            break
    for path in sorted(paths):
        if pattern is not None and not (
            pattern.fullmatch(path.name) or pattern.fullmatch(str(path))
        ):
            continue
        try:
            info = path.lstat()
        except FileNotFoundError:  # removed while we were listing
            continue
        if path.is_symlink() or not path.is_file():
            continue
        yield path, info


def _change(previous: dict[str, Any] | None, version: str, on: On) -> str | None:
    """``CREATE`` or ``UPDATE`` when the file fires, None when it does not."""
    if previous is None:
        return "CREATE" if on in (On.CREATE, On.CREATE_OR_UPDATE) else None
    if previous.get("version") != version:
        return "UPDATE" if on in (On.UPDATE, On.CREATE_OR_UPDATE) else None
    return None


def _last_seen(entry: dict[str, Any] | None, default: datetime) -> datetime:
    if entry is None:
        return default
    try:
        return datetime.fromisoformat(str(entry["lastSeenAt"]))
    except (KeyError, ValueError):
        return default


def _stored(ctx: TriggerContext, path: Path, info: os.stat_result, change: str) -> dict[str, Any]:
    """The file's object for ``trigger.files``, its ``uri`` a copy in internal storage."""
    try:
        with path.open("rb") as data:
            uri = ctx.put_file(path.name, data)
    except OSError as exc:
        raise TaskFailure(f"Unable to read '{path}': {exc}") from None
    return {**file_object(path, info), "uri": uri, "changeType": change}
