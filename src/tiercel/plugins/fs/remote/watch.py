"""The polling ``Trigger`` written once for every remote protocol (not a plugin).

With ``action: NONE`` the files stay, so the trigger remembers each file's version (its
modification time, size and path) in its state and fires for new and changed ones, as Kestra's
stateful triggers do; MOVE and DELETE take the files away, so every file listed fires.
"""

import re
from datetime import datetime, timedelta
from typing import Any

from pydantic import Field

from tiercel.plugins.cloud.env import Env
from tiercel.plugins.fs.properties import (
    Action,
    ActionProperties,
    On,
    Sort,
    SortedListingProperties,
    compiled,
    limited,
)
from tiercel.plugins.fs.remote.client import Entry
from tiercel.plugins.fs.remote.connection import RemoteConnection, Session
from tiercel.plugins.fs.remote.operations import (
    download,
    file_object,
    listing,
    perform_action,
    sorted_entries,
)
from tiercel.sdk import (
    Duration,
    Emission,
    LogLevel,
    PollingTrigger,
    Property,
    Text,
    TriggerContext,
)


class RemoteTrigger(RemoteConnection, SortedListingProperties, ActionProperties, PollingTrigger):
    """Poll a remote directory; fire for new or changed files, then MOVE or DELETE them."""

    interval: Duration = Field(default=timedelta(seconds=60), description="Time between polls.")
    on: Property[On] = Field(
        default=On.CREATE_OR_UPDATE,
        description="With `action: NONE`: fire for new files, changed files, or both.",
    )
    state_key: Text | None = Field(
        default=None, description="Name of the memory of seen files (`<namespace>_<flowId>_<id>`)."
    )
    state_ttl: Property[Duration] | None = Field(
        default=None, description="Forget a file seen and unchanged for this long."
    )

    def evaluate(self, ctx: TriggerContext) -> list[Emission]:
        """One emission with ``files`` (Kestra's File objects, each with its ``changeType``
        and its ``path`` a kestra:// copy) when files are found; none otherwise.

        Raises:
            TaskFailure: The server cannot be reached, an invalid property.
        """
        env = Env.of_trigger(ctx)
        directory = env.value(self.from_, str)
        action, target = self.chosen_action(env)
        pattern = compiled(env.optional(self.reg_exp, str))
        recursive = env.value(self.recursive, bool)
        on = env.value(self.on, On)
        order = env.value(self.sort, Sort)
        limit = env.value(self.max_files, int)
        stateful = action is Action.NONE
        key = env.optional(self.state_key, str) or f"{ctx.namespace}_{ctx.flow_id}_{self.id}"
        now = ctx.now()
        with self.open(env) as session:
            with session.guard(f"Unable to list '{session.uri(directory)}'"):
                entries = _listing_if_any(session, directory, pattern, recursive)
            if entries is None:
                env.log(LogLevel.DEBUG, f"From path doesn't exist '{session.uri(directory)}'")
                return []
            seen = self._memory(env, ctx, key, now) if stateful else {}
            pending: list[tuple[Entry, str, str]] = []
            for entry in entries:
                version = f"{int((entry.modified or 0) * 1000)}_{entry.size or 0}_{entry.path}"
                previous = seen.get(entry.path)
                change = "CREATE" if previous is None else "UPDATE"
                if stateful and not _fires(previous, version, on):
                    if previous is not None:
                        seen[entry.path] = {**previous, "version": version}
                    elif on is On.UPDATE:
                        seen[entry.path] = {"version": version, "lastSeenAt": now.isoformat()}
                    continue
                pending.append((entry, version, change))
            by_entry = {id(entry): (version, change) for entry, version, change in pending}
            chosen = sorted_entries([entry for entry, _, _ in pending], order)
            chosen = limited(env, chosen, limit)
            files = []
            for entry in chosen:
                stored = download(env, session, entry.path)["to"]
                files.append({**file_object(entry, stored), "changeType": by_entry[id(entry)][1]})
            perform_action(env, session, chosen, action, target)
        if stateful:
            for entry in chosen:
                seen[entry.path] = {
                    "version": by_entry[id(entry)][0],
                    "lastSeenAt": now.isoformat(),
                }
            listed = {entry.path for entry in entries}
            ctx.state["key"] = key
            ctx.state["files"] = {path: note for path, note in seen.items() if path in listed}
        if not files:
            return []
        return [Emission(variables={"files": files})]

    def _memory(
        self, env: Env, ctx: TriggerContext, key: str, now: datetime
    ) -> dict[str, dict[str, Any]]:
        """The files seen before, under the current key and younger than ``stateTtl``."""
        stored = ctx.state.get("files")
        if ctx.state.get("key") != key or not isinstance(stored, dict):
            return {}
        ttl = env.optional(self.state_ttl, timedelta)
        if ttl is None:
            return dict(stored)
        kept = {}
        for path, note in stored.items():
            try:
                last = datetime.fromisoformat(str(note["lastSeenAt"]))
            except (KeyError, TypeError, ValueError):
                continue
            if last > now - ttl:
                kept[path] = note
        return kept


def _listing_if_any(
    session: Session, directory: str, pattern: re.Pattern[str] | None, recursive: bool
) -> list[Entry] | None:
    """The listing, or None when the directory is not there (yet): Kestra's triggers wait
    for it rather than fail."""
    try:
        return listing(session, directory, pattern, recursive)
    except FileNotFoundError:
        return None


def _fires(previous: dict[str, Any] | None, version: str, on: On) -> bool:
    if previous is None:
        return on in (On.CREATE, On.CREATE_OR_UPDATE)
    if previous.get("version") != version:
        return on in (On.UPDATE, On.CREATE_OR_UPDATE)
    return False
