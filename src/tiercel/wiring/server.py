"""A server's processes: every role in one (``server local``, ``server standalone``), or some
of them in each (``server executor|worker|scheduler|webserver``) over a shared backend.

The pieces meet here and nowhere else: the API and the scheduler get an ``ExecutionRunner``
port (the executor itself when it runs in the same process, else a ``RemoteRunner`` posting
to its inbox); the executor tells the API's waiters, the scheduler and flow triggers when
executions end; and a folder of flows given with ``--flows`` is deployed at start and kept in
sync while it changes.
"""

import logging
import queue
import threading
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from fastapi import FastAPI

from tiercel.api import ApiContext, create_app
from tiercel.engine.inputs import InputError
from tiercel.model.execution import Execution
from tiercel.model.flow import Flow
from tiercel.ops.flows import Flows
from tiercel.ops.ports import EndSignal, EndWaiter, ExecutionRunner, StoredEnds
from tiercel.registry import default_registry
from tiercel.runtime.executor import ServerExecutor
from tiercel.runtime.flow_triggers import FlowTriggers
from tiercel.runtime.ids import new_id
from tiercel.runtime.memory import tune_allocator
from tiercel.runtime.scheduler import Scheduler, StartRequest
from tiercel.runtime.services import RunLimits, Services
from tiercel.runtime.shared import RemoteRunner, SharedExecutor, SharedWorker
from tiercel.sdk import processes
from tiercel.storage.secrets import KEY_FILE, key_in
from tiercel.storage.work import WorkQueue
from tiercel.wiring.config import Settings, StorageSettings
from tiercel.wiring.flow_folder import FlowFolder
from tiercel.wiring.local import default_data_dir, open_backend, sqlite_url
from tiercel.wiring.storage import internal_storage

_log = logging.getLogger("tiercel.server")


ROLES = ("executor", "worker", "scheduler", "webserver")
"""The parts of a server, each of which can run in a process of its own."""


@dataclass
class ServerConfig:
    """How a server runs.

    Attributes:
        data_dir: Where the embedded backend keeps its database and files.
        host: The interface the API listens on.
        port: The API's port.
        threads: Worker threads.
        flows_dir: A folder of flows to deploy at start and keep in sync.
        users: Basic-auth users; none means no authentication.
        tokens: API tokens.
        max_upload_bytes: The largest request body the API accepts.
        allowed_paths: Local folders file triggers may read (Kestra's ``allowed-paths``).
        database_url: The shared backend's database; SQLite in ``data_dir`` when None.
        storage_path: Internal storage's folder; ``data_dir/storage`` when None.
        storage: Internal storage's backend (local, S3, GCS, Azure); ``storage_path`` when None.
        lease_seconds: How long a worker holds a job without renewing its lease.
        shutdown_grace_seconds: On shutdown, how long running task runs may go on.
        secret_key: The key SECRET inputs are encrypted with; the one kept in ``data_dir``
            (made on first start) when None.
        allowed_env: Environment variables task processes may see beyond the base ones.
        limits: How much a task run may log and output.
    """

    data_dir: Path = field(default_factory=default_data_dir)
    host: str = "127.0.0.1"
    port: int = 8080
    threads: int = 8
    flows_dir: Path | None = None
    users: dict[str, str] = field(default_factory=dict)
    tokens: frozenset[str] = frozenset()
    max_upload_bytes: int = 100 * 1024 * 1024
    allowed_paths: tuple[str, ...] = ()
    database_url: str | None = None
    storage_path: Path | None = None
    storage: StorageSettings | None = None
    lease_seconds: float = 30.0
    shutdown_grace_seconds: float = 30.0
    secret_key: str | None = None
    allowed_env: tuple[str, ...] = ()
    limits: RunLimits = field(default_factory=RunLimits)

    @classmethod
    def from_settings(cls, settings: Settings) -> "ServerConfig":
        """The configuration that ``settings`` (file, variables, flags) describe."""
        return cls(
            data_dir=settings.data_dir,
            host=settings.host,
            port=settings.port,
            threads=settings.threads,
            flows_dir=settings.flows_dir,
            users=dict(settings.auth.users),
            tokens=frozenset(settings.auth.tokens),
            max_upload_bytes=settings.max_upload_bytes,
            allowed_paths=tuple(settings.allowed_paths),
            database_url=settings.database_url,
            storage_path=settings.storage_path,
            storage=settings.storage,
            lease_seconds=settings.lease_seconds,
            shutdown_grace_seconds=settings.shutdown_grace_seconds,
            secret_key=settings.secret_key.get_secret_value() if settings.secret_key else None,
            allowed_env=tuple(settings.allowed_env),
            limits=RunLimits(
                log_line_chars=settings.log_line_max_chars,
                log_bytes_per_task_run=settings.log_max_bytes_per_task_run,
                output_bytes=settings.output_max_bytes,
            ),
        )


@dataclass
class Server:
    """The running pieces of a whole server, for the CLI and for tests."""

    services: Services
    flows: Flows
    executor: ServerExecutor
    scheduler: Scheduler
    ends: EndSignal
    app: FastAPI
    folder: FlowFolder | None
    worker: SharedWorker | None = None


@dataclass
class Part:
    """The running pieces of a process that runs some of the roles; None for the others."""

    services: Services
    flows: Flows
    work: WorkQueue
    executor: ServerExecutor | None = None
    scheduler: Scheduler | None = None
    worker: SharedWorker | None = None
    app: FastAPI | None = None
    folder: FlowFolder | None = None
    ends: EndWaiter | None = None
    stop: threading.Event = field(default_factory=threading.Event)


@contextmanager
def running_server(config: ServerConfig, *, shared: bool = False) -> Iterator[Server]:
    """Every role in this process: start the executor (picking up unfinished executions),
    deploy ``flows_dir`` and watch it; yield the pieces, the API application among them;
    stop everything on exit.

    With ``shared``, task runs go through the backend's work queue, so that worker processes
    elsewhere can take a share (``server standalone``); this process runs ``threads`` workers
    of its own. Otherwise the executor hands them to its threads directly (``server local``).
    """
    with running_part(config, set(ROLES), shared=shared) as part:
        assert part.executor is not None and part.scheduler is not None
        assert part.app is not None and isinstance(part.ends, EndSignal)
        yield Server(
            part.services,
            part.flows,
            part.executor,
            part.scheduler,
            part.ends,
            part.app,
            part.folder,
            part.worker,
        )


@contextmanager
def running_part(config: ServerConfig, roles: set[str], *, shared: bool = True) -> Iterator[Part]:
    """Run ``roles`` in this process over the configured backend; stop them on exit.

    Raises:
        StorageError: the backend cannot be opened.
    """
    unknown = roles - set(ROLES)
    if unknown:
        raise ValueError(f"unknown roles: {', '.join(sorted(unknown))}")
    tune_allocator()
    with ExitStack() as stack:
        if config.database_url is None:
            config.data_dir.mkdir(parents=True, exist_ok=True)
        elif config.secret_key is None:
            _log.warning(
                "no secret-key is configured: SECRET inputs are encrypted with the key in %s, "
                "which every process of this backend must share (set secret-key or "
                "TIERCEL_SECRET_KEY to the same value everywhere)",
                config.data_dir / KEY_FILE,
            )
        default_storage = config.storage_path or config.data_dir / "storage"
        backend = stack.enter_context(
            open_backend(
                config.database_url or sqlite_url(config.data_dir),
                default_storage,
                pool_size=max(8, config.threads + 4),
                secret_key=config.secret_key or key_in(config.data_dir),
                allowed_env=config.allowed_env,
                storage=internal_storage(config.storage, default_storage),
            )
        )
        services = backend.services
        registry = default_registry()
        flows = Flows(services.flows, services.triggers, registry, services.clock)
        part = Part(services, flows, backend.work)
        stack.callback(part.stop.set)
        lease = timedelta(seconds=config.lease_seconds)
        threads: list[threading.Thread] = []

        runner: ExecutionRunner = RemoteRunner(services, backend.work)
        reactions = _Reactions()
        if "executor" in roles:
            ends = EndSignal(services.executions.get)
            part.ends = ends
            part.executor = _executor(config, part, ends, reactions, shared=shared, lease=lease)
            runner = part.executor
        else:
            part.ends = StoredEnds(services.executions)
        if "executor" in roles or "scheduler" in roles:
            part.scheduler = Scheduler(
                services, _deployed(flows), _starter(runner), allowed_paths=config.allowed_paths
            )
        if part.executor is not None and part.scheduler is not None:
            flow_triggers = FlowTriggers(services, _deployed(flows), _starter(runner))
            reactions.attach(part.scheduler, flow_triggers)
            threads.append(
                threading.Thread(target=reactions.serve, name="tiercel-reactions", daemon=True)
            )
            stack.callback(reactions.close)

        if config.flows_dir is not None and ("webserver" in roles or "executor" in roles):
            part.folder = FlowFolder(config.flows_dir, flows)
            for problem in part.folder.sync():
                _log.error("%s", problem)
            threads.append(
                threading.Thread(
                    target=part.folder.watch,
                    args=(part.stop,),
                    name="tiercel-flow-folder",
                    daemon=True,
                )
            )

        # What the task processes of a killed server still run is killed before its task
        # runs are retried (its guard normally did it already).
        reaped = processes.reap_orphans()
        if reaped:
            _log.warning("killed %d task processes left by a server that died", reaped)
        if part.executor is not None:
            part.executor.start()
            stack.callback(part.executor.stop, config.shutdown_grace_seconds)

        if "worker" in roles and (shared or "executor" not in roles) and config.threads > 0:
            part.worker = SharedWorker(
                services,
                flows.find,
                backend.work,
                threads=config.threads,
                lease=lease,
                limits=config.limits,
            )
            halt_worker = threading.Event()
            worker_thread = threading.Thread(
                target=part.worker.serve,
                args=(halt_worker,),
                kwargs={"grace": config.shutdown_grace_seconds},
                name="tiercel-worker",
                daemon=True,
            )
            if isinstance(part.executor, SharedExecutor):
                # In one process, each tells the other at once instead of waiting for a poll.
                part.executor.on_enqueue = part.worker.nudge
                part.worker.on_complete = part.executor.nudge
            worker_thread.start()

            def stop_worker() -> None:
                halt_worker.set()
                worker_thread.join(config.shutdown_grace_seconds + 10)

            stack.callback(stop_worker)

        if "scheduler" in roles:
            assert part.scheduler is not None
            threads.append(
                threading.Thread(
                    target=part.scheduler.serve,
                    args=(part.stop,),
                    name="tiercel-scheduler",
                    daemon=True,
                )
            )
        for thread in threads:
            thread.start()
        # Stopped first: the scheduler and the flow folder start nothing more while the
        # workers and the executor wind down.
        stack.callback(part.stop.set)

        if "webserver" in roles:
            assert part.ends is not None
            stats = part.executor.stats if part.executor is not None else _queue_stats(backend.work)
            part.app = create_app(
                ApiContext(
                    flows=flows,
                    runner=runner,
                    ends=part.ends,
                    executions=services.executions,
                    logs=services.logs,
                    metrics=services.metrics,
                    triggers=services.triggers,
                    storage=services.storage,
                    kv=services.kv,
                    registry=registry,
                    new_id=new_id,
                    clock=services.clock,
                    max_upload_bytes=config.max_upload_bytes,
                    users=dict(config.users),
                    tokens=config.tokens,
                    stats=stats,
                    functions=services.functions,
                    seal=services.seal(),
                    masker=services.masker,
                )
            )
        yield part


def _executor(
    config: ServerConfig,
    part: Part,
    ends: EndSignal,
    reactions: "_Reactions",
    *,
    shared: bool,
    lease: timedelta,
) -> ServerExecutor:
    def ended(execution: Execution) -> None:
        # Called on the executor thread: waiters wake at once; the rest is done on the
        # reactions thread.
        ends.ended(execution)
        reactions.put(execution, ended=True)

    def changed(execution: Execution) -> None:
        reactions.put(execution, ended=False)

    if shared:
        # Working-directory task runs stay on the executor's threads: a few suffice.
        return SharedExecutor(
            part.services,
            part.flows.find,
            part.work,
            threads=4,
            on_end=ended,
            on_change=changed,
            lease=lease,
            limits=config.limits,
        )
    return ServerExecutor(
        part.services,
        part.flows.find,
        threads=config.threads,
        on_end=ended,
        on_change=changed,
        journal_dir=config.data_dir / "running",
        limits=config.limits,
    )


def _deployed(flows: Flows) -> Callable[[], list[Flow]]:
    return lambda: [d.flow for d in flows.current()]


def _starter(runner: ExecutionRunner) -> Callable[[StartRequest], str | None]:
    def start(request: StartRequest) -> str | None:
        try:
            execution = runner.create(
                request.flow,
                request.inputs,
                request.labels,
                trigger=request.trigger,
                schedule_date=request.schedule_date,
            )
        except InputError as exc:
            _log.error(
                "%s.%s: trigger %s cannot start an execution: %s",
                request.flow.namespace,
                request.flow.id,
                request.trigger.id,
                exc,
            )
            return None
        return execution.id

    return start


class _Reactions:
    """What an execution's change of state sets off (schedules unlocked at its end, flow
    triggers), done on a thread of its own, off the executor's path."""

    def __init__(self) -> None:
        self._listeners: tuple[Scheduler, FlowTriggers] | None = None
        self._changes: queue.SimpleQueue[tuple[Execution, bool] | None] = queue.SimpleQueue()

    def attach(self, scheduler: Scheduler, flow_triggers: FlowTriggers) -> None:
        self._listeners = (scheduler, flow_triggers)

    def put(self, execution: Execution, *, ended: bool) -> None:
        if self._listeners is not None:
            self._changes.put((execution, ended))

    def close(self) -> None:
        self._changes.put(None)

    def serve(self) -> None:
        while (change := self._changes.get()) is not None:
            assert self._listeners is not None
            scheduler, flow_triggers = self._listeners
            execution, ended = change
            try:
                if ended:
                    scheduler.execution_ended(execution)
                flow_triggers.execution_changed(execution)
            except Exception:  # one bad trigger must not stop the others
                _log.exception("reacting to the change of %s failed", execution.id)
            # Not kept while the thread waits for the next change: an execution holds its
            # trigger's body and its outputs, megabytes at times, and an idle server would
            # keep the last one for good.
            del change, execution


def _queue_stats(work: WorkQueue) -> Callable[[], dict[str, float]]:
    def stats() -> dict[str, float]:
        waiting, held = work.counts()
        return {"worker_jobs_waiting": float(waiting), "worker_jobs_held": float(held)}

    return stats


__all__ = ["ROLES", "Part", "Server", "ServerConfig", "running_part", "running_server"]
