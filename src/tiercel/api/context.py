"""What the routes work with: the backends, the deployed flows, the executor port."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tiercel.model.secrets import Masker
from tiercel.ops.flows import Flows
from tiercel.ops.ports import EndWaiter, ExecutionRunner
from tiercel.registry import Registry
from tiercel.storage.ports import (
    ExecutionStore,
    InternalStorage,
    KVStore,
    LogStore,
    MetricStore,
    TriggerStore,
)


@dataclass
class ApiContext:
    """Everything a route may use.

    Attributes:
        flows: Deployed flows, parsed once per revision.
        runner: Creates executions and delivers events to them.
        ends: Wakes requests waiting for an execution to end.
        executions: Stored executions and task runs.
        logs: Stored log lines.
        metrics: Stored metrics.
        triggers: Trigger records.
        storage: Internal storage (``kestra://`` files).
        kv: The KV store.
        registry: The installed plugins.
        new_id: Makes execution ids (a replay's).
        clock: The time.
        max_upload_bytes: The largest request body accepted.
        users: Basic-auth users (name to password); none means no authentication.
        tokens: API tokens accepted as ``Authorization: Bearer``.
        stats: The executor's own gauges (queue depth, busy worker threads...) by name,
            read at each ``/metrics`` scrape; none when the API runs without an executor.
        functions: The server's expression functions (``secret``...), for the expressions
            the API renders itself (a webhook's key).
        seal: Encrypts a SECRET input given on resume; None stores it as given.
        masker: The server's secret values, masked in the executions the API shows.
        cache_dir: Where work worth keeping between runs is kept (the flow schema); None
            keeps nothing.
    """

    flows: Flows
    runner: ExecutionRunner
    ends: EndWaiter
    executions: ExecutionStore
    logs: LogStore
    metrics: MetricStore
    triggers: TriggerStore
    storage: InternalStorage
    kv: KVStore
    registry: Registry
    new_id: Callable[[], str]
    clock: Callable[[], datetime] = lambda: datetime.now(UTC)
    max_upload_bytes: int = 100 * 1024 * 1024
    users: dict[str, str] = field(default_factory=dict)
    tokens: frozenset[str] = frozenset()
    stats: Callable[[], Mapping[str, float]] | None = None
    functions: Mapping[str, Callable[..., Any]] = field(default_factory=dict)
    seal: Callable[[str], Any] | None = None
    masker: Masker = field(default_factory=Masker)
    cache_dir: Path | None = None
