"""What the scheduler lends triggers and their conditions: rendering with the flow's variables,
trigger logs, files in internal storage and the server's allowed local paths."""

import logging
import os
import threading
import uuid
from collections.abc import Callable, Mapping, MutableMapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, BinaryIO

from tiercel.expr import Environment, render_value
from tiercel.model.flow import Flow
from tiercel.model.state import State
from tiercel.model.task import LogLevel, Trigger
from tiercel.runtime.services import Services, kv_function, read_function
from tiercel.sdk.allowed_paths import path_allowed
from tiercel.storage.records import LogEntry
from tiercel.storage.uris import flow_uri, segments_to_uri, slugify, uri_to_segments

_LOG = logging.getLogger("tiercel.scheduler")
_PY_LEVELS = {
    LogLevel.TRACE: logging.DEBUG,
    LogLevel.DEBUG: logging.DEBUG,
    LogLevel.INFO: logging.INFO,
    LogLevel.WARN: logging.WARNING,
    LogLevel.ERROR: logging.ERROR,
}


def flow_variables(services: Services, flow: Flow) -> dict[str, Any]:
    """What a trigger's expressions see before any trigger variable: ``flow``, ``vars``,
    ``envs`` and ``globals``."""
    return {
        "flow": {
            "id": flow.id,
            "namespace": flow.namespace,
            "revision": flow.revision or 1,
            "tenantId": flow.tenant_id,
        },
        "vars": flow.variables or {},
        "envs": dict(services.envs),
        "globals": dict(services.globals),
    }


def environment(services: Services, namespace: str) -> Environment:
    """The functions a trigger's expressions may call: the server's (``secret``...) with
    ``kv`` and ``read`` bound to the flow's namespace."""
    return Environment(
        functions={
            **services.functions,
            "kv": kv_function(services, namespace),
            "read": read_function(services, namespace),
        },
        clock=services.clock,
    )


def log_trigger(
    services: Services, flow: Flow, trigger: Trigger, level: LogLevel, message: str
) -> None:
    """Log a line about a trigger to Python's logging and to the log store, where it is shown
    with the flow's trigger logs; known secret values masked."""
    message = services.masker.mask(message)
    _LOG.log(_PY_LEVELS[level], "[%s.%s/%s] %s", flow.namespace, flow.id, trigger.id, message)
    entry = LogEntry(
        namespace=flow.namespace,
        flow_id=flow.id,
        timestamp=services.clock(),
        level=level,
        message=message,
        trigger_id=trigger.id,
        thread=threading.current_thread().name,
    )
    try:
        services.logs.append([entry])
    except Exception:  # a log line must never stop the scheduler
        _LOG.exception("could not store a trigger log line")


@dataclass(frozen=True)
class ScheduleConditionContext:
    """The ``ConditionContext`` of a trigger's conditions: no execution, the flow's
    variables and, for schedules, ``trigger.date``/``next``/``previous``."""

    namespace: str
    flow_id: str
    variables: Mapping[str, Any]
    env: Environment
    state: State | None = None

    def render(self, value: Any) -> Any:
        """Render a property with ``variables``."""
        return render_value(value, self.variables, env=self.env)


@dataclass
class SchedulerTriggerContext:
    """The ``TriggerContext`` the scheduler gives a polling or realtime trigger."""

    services: Services
    flow: Flow
    trigger: Trigger
    allowed_paths: Sequence[str]
    state: MutableMapping[str, Any] = field(default_factory=dict)
    clock: Callable[[], datetime] | None = None
    """The time ``now()`` gives; the services' clock when None (a tick passes its own)."""
    _env: Environment | None = None

    @property
    def namespace(self) -> str:
        """The namespace of the trigger's flow."""
        return self.flow.namespace

    @property
    def flow_id(self) -> str:
        """The id of the trigger's flow."""
        return self.flow.id

    @property
    def trigger_id(self) -> str:
        """The trigger's id."""
        return self.trigger.id

    def now(self) -> datetime:
        """The scheduler's clock."""
        return (self.clock or self.services.clock)()

    def render(self, value: Any, extra: Mapping[str, Any] | None = None) -> Any:
        """Render a property with the flow's variables, and ``extra`` ones."""
        if self._env is None:
            self._env = environment(self.services, self.flow.namespace)
        variables = flow_variables(self.services, self.flow)
        return render_value(value, {**variables, **extra} if extra else variables, env=self._env)

    def log(self, level: LogLevel, message: str) -> None:
        """Log a line about this trigger."""
        log_trigger(self.services, self.flow, self.trigger, LogLevel(level), message)

    def put_file(self, name: str, data: bytes | BinaryIO) -> str:
        """Store a file for the execution to come, under the flow's files in a folder of its
        own (the execution has no id yet); its ``kestra://`` URI."""
        base = os.path.basename(name.replace("\\", "/")) or "file"
        segments = (
            *uri_to_segments(flow_uri(self.flow.namespace, self.flow.id)),
            "triggers",
            slugify(self.trigger.id),
            uuid.uuid4().hex,
            base,
        )
        return self.services.storage.put(segments_to_uri(segments), data)

    def allowed_path(self, path: str) -> bool:
        """Whether the server lets triggers read this local path."""
        return path_allowed(path, self.allowed_paths)
