"""What a polling trigger on an object store remembers between polls (Kestra's stateful
triggers): each object's version when it last fired, so it fires again only once changed."""

from collections.abc import Callable, Iterable, MutableMapping
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, TypeVar

from pydantic import Field

from tiercel.plugins.cloud.env import Env
from tiercel.sdk import Duration, KestraModel, Property, Text, TriggerContext

T = TypeVar("T")


class On(StrEnum):
    """Which changes fire (Kestra's ``StatefulTriggerInterface.On``)."""

    CREATE = "CREATE"
    UPDATE = "UPDATE"
    CREATE_OR_UPDATE = "CREATE_OR_UPDATE"


class Action(StrEnum):
    """What a trigger does with the objects it fired for."""

    MOVE = "MOVE"
    DELETE = "DELETE"
    NONE = "NONE"


class Memory:
    """The objects seen under one state key, kept in the trigger's own state.

    Args:
        state: the trigger's state mapping (stored by the scheduler after each poll).
        key: the state key; another key starts from an empty memory.
        ttl: forget an object last fired longer ago than this.
        now: the scheduler's time.
    """

    def __init__(
        self,
        state: MutableMapping[str, Any],
        key: str,
        ttl: timedelta | None,
        now: datetime,
    ) -> None:
        self._state = state
        self._key = key
        self._now = now
        entries = state.get("objects") if state.get("key") == key else None
        kept: dict[str, dict[str, Any]] = dict(entries) if isinstance(entries, dict) else {}
        if ttl is not None:
            kept = {uri: entry for uri, entry in kept.items() if self._age(entry) <= ttl}
        self._entries = kept

    def _age(self, entry: dict[str, Any]) -> timedelta:
        try:
            return self._now - datetime.fromisoformat(str(entry["lastSeenAt"]))
        except (KeyError, ValueError):
            return timedelta(0)

    def change(self, uri: str, version: str, on: On) -> str | None:
        """``CREATE`` or ``UPDATE`` when the object fires, None when it does not; a firing
        object is remembered at this version."""
        previous = self._entries.get(uri)
        if previous is None:
            change = "CREATE" if on in (On.CREATE, On.CREATE_OR_UPDATE) else None
        elif previous.get("version") != version:
            change = "UPDATE" if on in (On.UPDATE, On.CREATE_OR_UPDATE) else None
        else:
            return None
        self._entries[uri] = {"version": version, "lastSeenAt": self._now.isoformat()}
        return change

    def forget(self, uris: Iterable[str]) -> None:
        """Drop objects the trigger moved or deleted, so the memory does not grow forever."""
        for uri in uris:
            self._entries.pop(uri, None)

    def save(self) -> None:
        """Write the memory back into the trigger's state."""
        self._state["key"] = self._key
        self._state["objects"] = self._entries


def default_key(namespace: str, flow_id: str, trigger_id: str) -> str:
    """Kestra's default state key."""
    return f"{namespace}_{flow_id}_{trigger_id}"


class StatefulProperties(KestraModel):
    """The properties of Kestra's stateful triggers: ``on``, ``stateKey`` and ``stateTtl``."""

    on: Property[On] = Field(
        default=On.CREATE_OR_UPDATE,
        description="CREATE: new objects only; UPDATE: changed ones only; or both.",
    )
    state_key: Text | None = Field(
        default=None,
        description="The name of the memory of seen objects (default "
        "`<namespace>_<flowId>_<triggerId>`); a new key forgets what the old one saw.",
    )
    state_ttl: Property[Duration] | None = Field(
        default=None, description="Forget an object last fired this long ago."
    )

    def changes(
        self,
        ctx: TriggerContext,
        env: Env,
        trigger_id: str,
        items: Iterable[T],
        identity: Callable[[T], tuple[str, str]],
    ) -> tuple[Memory, list[tuple[T, str]]]:
        """The memory, and the items that fire with their change (``CREATE``/``UPDATE``).

        ``identity`` gives an item's URI and its version (an ETag, a generation).
        """
        key = env.optional(self.state_key, str) or default_key(
            ctx.namespace, ctx.flow_id, trigger_id
        )
        memory = Memory(ctx.state, key, env.optional(self.state_ttl, timedelta), ctx.now())
        on = env.value(self.on, On)
        fired: list[tuple[T, str]] = []
        for item in items:
            uri, version = identity(item)
            change = memory.change(uri, version, on)
            if change is not None:
                fired.append((item, change))
        return memory, fired
