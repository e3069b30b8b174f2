"""Running flows of cloud tasks, and evaluating cloud triggers, for the plugin tests."""

import itertools
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from textwrap import dedent, indent
from typing import Any, BinaryIO

from pydantic import TypeAdapter

from tiercel.expr import render_value
from tiercel.model import load_flows
from tiercel.model.task import LogLevel
from tiercel.registry import default_registry
from tiercel.runtime import LocalRunner
from tiercel.runtime.services import Finished
from tiercel.sdk import AnyTrigger
from tiercel.wiring import local_services

_NAMES = itertools.count(1)


def unique(prefix: str) -> str:
    """A new bucket, queue, table or container name for one test."""
    return f"{prefix}-{next(_NAMES)}"


def task(task_id: str, type_name: str, connection: str, body: str) -> str:
    """One task of a flow, as YAML under ``tasks:``; ``connection`` is YAML lines."""
    lines = f"id: {task_id}\ntype: {type_name}\n{connection}{dedent(body)}"
    return indent(lines, "    ").replace("    id:", "  - id:", 1)


WRITE = """\
  - id: {id}
    type: io.kestra.plugin.core.storage.Write
    content: "{content}"
    extension: .txt
"""


def write(task_id: str, content: str) -> str:
    """A task storing ``content`` in internal storage (its ``uri`` output)."""
    return WRITE.format(id=task_id, content=content)


def run(tmp_path: Path, *tasks: str, files: Mapping[str, bytes] | None = None) -> Finished:
    """Run a flow of these tasks to its end, ``files`` (``kestra:///`` URI: content) stored
    in its internal storage first."""
    text = "id: cloud\nnamespace: company.team\ntasks:\n" + "\n".join(tasks)
    result = load_flows(text.encode(), "flow.yaml", default_registry())
    assert result.ok, result.all_problems()
    (flow,) = result.valid_flows()
    with local_services(tmp_path) as services:
        for uri, content in (files or {}).items():
            services.storage.put(uri, content)
        return LocalRunner(services).execute(flow, timeout=180)


def stored(tmp_path: Path, uri: str) -> bytes:
    """The content of a file in the internal storage of ``run(tmp_path, ...)``."""
    with local_services(tmp_path) as services:
        return services.storage.read_bytes(uri)


def outputs(finished: Finished, task_id: str) -> dict[str, Any]:
    """The outputs of one task run."""
    (found,) = [r for r in finished.task_runs if r.task_id == task_id]
    return dict(found.outputs or {})


def state(finished: Finished, task_id: str) -> str:
    """The final state of one task run."""
    (found,) = [r for r in finished.task_runs if r.task_id == task_id]
    return str(found.state.current)


def errors(finished: Finished, task_id: str) -> list[str]:
    """The ERROR log lines of one task."""
    return [
        line.message
        for line in finished.logs
        if line.task_id == task_id and str(line.level) == "ERROR"
    ]


def all_logs(finished: Finished) -> str:
    """Every log line of the execution, joined."""
    return "\n".join(line.message for line in finished.logs)


@dataclass
class TriggerProbe:
    """A ``TriggerContext`` for evaluating a trigger directly: files stored in a dict."""

    namespace: str = "company.team"
    flow_id: str = "watcher"
    trigger_id: str = "watch"
    state: dict[str, Any] = field(default_factory=dict)
    clock: datetime = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)
    stored: dict[str, bytes] = field(default_factory=dict)
    logs: list[tuple[LogLevel, str]] = field(default_factory=list)

    def now(self) -> datetime:
        return self.clock

    def render(self, value: Any, extra: Mapping[str, Any] | None = None) -> Any:
        variables = {"flow": {"namespace": self.namespace, "id": self.flow_id}, **(extra or {})}
        return render_value(value, variables)

    def log(self, level: LogLevel, message: str) -> None:
        self.logs.append((level, message))

    def put_file(self, name: str, data: bytes | BinaryIO) -> str:
        content = data if isinstance(data, bytes) else data.read()
        uri = f"kestra:///company/team/watcher/triggers/watch/{len(self.stored)}/{name}"
        self.stored[uri] = content
        return uri

    def allowed_path(self, path: str) -> bool:
        return False


_TRIGGER: TypeAdapter[Any] = TypeAdapter(AnyTrigger)


def load_trigger(data: dict[str, Any]) -> Any:
    """A trigger validated as flow loading validates it."""
    return _TRIGGER.validate_python({"id": "watch", **data}, context=default_registry().context())
