"""A small ``TriggerContext`` for calling triggers directly, without a scheduler."""

import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO

from pydantic import TypeAdapter

from tiercel.expr import render_value
from tiercel.model.task import LogLevel
from tiercel.registry import default_registry
from tiercel.sdk import AnyTrigger, Trigger
from tiercel.sdk.allowed_paths import path_allowed

NAMESPACE = "company.team"
FLOW_ID = "watcher"
START = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)

_TRIGGER: TypeAdapter[Any] = TypeAdapter(AnyTrigger)


def load_trigger(data: dict[str, Any]) -> Trigger:
    """Validate a trigger mapping the way flow loading does."""
    trigger = _TRIGGER.validate_python(
        {"id": "watch", **data}, context=default_registry().context()
    )
    assert isinstance(trigger, Trigger)
    return trigger


@dataclass
class FakeTriggerContext:
    """Renders with the flow's variables, keeps stored files in a dict, allows ``roots``."""

    roots: list[Path]
    trigger_id: str = "watch"
    namespace: str = NAMESPACE
    flow_id: str = FLOW_ID
    state: dict[str, Any] = field(default_factory=dict)
    clock: datetime = START
    stored: dict[str, bytes] = field(default_factory=dict)
    logs: list[tuple[LogLevel, str]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def now(self) -> datetime:
        return self.clock

    def render(self, value: Any, extra: Mapping[str, Any] | None = None) -> Any:
        variables = {"flow": {"namespace": self.namespace, "id": self.flow_id}, **(extra or {})}
        return render_value(value, variables)

    def log(self, level: LogLevel, message: str) -> None:
        with self.lock:
            self.logs.append((level, message))

    def put_file(self, name: str, data: bytes | BinaryIO) -> str:
        content = data if isinstance(data, bytes) else data.read()
        uri = (
            f"kestra:///company/team/{self.flow_id}/triggers/{self.trigger_id}/"
            f"{len(self.stored)}/{name}"
        )
        self.stored[uri] = content
        return uri

    def allowed_path(self, path: str) -> bool:
        return path_allowed(path, [str(root) for root in self.roots])
