"""The roles a server process runs, and one small builder per role.

``local`` and ``standalone`` are every role in one process: ``local`` hands task runs to the
executor's threads; ``standalone`` hands them to the backend's job table, which this process's
worker serves beside workers started elsewhere. The other roles each run alone, over a shared
backend. Each builder adds its pieces to the ``Part`` being assembled and registers how to
stop them; ``start`` then starts them in order.
"""

import logging
import threading
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import timedelta
from enum import StrEnum

from fastapi import FastAPI

from tiercel.api import ApiContext, create_app
from tiercel.engine.inputs import InputError
from tiercel.model.execution import Execution
from tiercel.model.flow import Flow
from tiercel.ops.flows import Flows
from tiercel.ops.ports import EndSignal, EndWaiter, ExecutionRunner, StoredEnds
from tiercel.registry import Registry
from tiercel.runtime.assembly import server_executor, shared_executor
from tiercel.runtime.flow_triggers import FlowTriggers
from tiercel.runtime.ids import new_id
from tiercel.runtime.queue_dispatch import QueueDispatcher
from tiercel.runtime.scheduler import Scheduler, StartRequest
from tiercel.runtime.service import ExecutorService
from tiercel.runtime.services import Services
from tiercel.runtime.shared import RemoteRunner
from tiercel.runtime.shared_worker import SharedWorker
from tiercel.storage.sql.notify import INBOX, JOBS
from tiercel.storage.sql.work import SqlWorkQueue
from tiercel.storage.work import WorkQueue
from tiercel.wiring.flow_folder import FlowFolder
from tiercel.wiring.reactions import Reactions
from tiercel.wiring.server_config import ServerConfig

_log = logging.getLogger("tiercel.server")

_POLL = 0.02
"""Seconds between looks at the job and inbox tables where nothing tells of a write."""
_NOTIFIED_POLL = 0.25
"""The same where other processes' writes are notified: a look only in case one is lost."""


class Role(StrEnum):
    """What a server process runs."""

    LOCAL = "local"
    STANDALONE = "standalone"
    EXECUTOR = "executor"
    WORKER = "worker"
    SCHEDULER = "scheduler"
    WEBSERVER = "webserver"


@dataclass
class Part:
    """The running pieces of a process; None for the roles it does not run."""

    services: Services
    flows: Flows
    work: WorkQueue
    registry: Registry
    config: ServerConfig
    runner: ExecutionRunner
    ends: EndWaiter
    executor: ExecutorService | None = None
    scheduler: Scheduler | None = None
    worker: SharedWorker | None = None
    app: FastAPI | None = None
    folder: FlowFolder | None = None
    stop: threading.Event = field(default_factory=threading.Event)
    starts: list[Callable[[], None]] = field(default_factory=list)
    """What ``start`` runs, in order."""


def build(part: Part, roles: Sequence[Role], stack: ExitStack) -> None:
    """Assemble the pieces of ``roles`` into ``part``; their stops go on ``stack``."""
    for role in roles:
        _BUILDERS[role](part, stack)
    _listen(part, stack)


def _listen(part: Part, stack: ExitStack) -> None:
    """On PostgreSQL, wake this process's inbox reader and worker as soon as another process
    writes to the inbox or the jobs (LISTEN/NOTIFY); they still poll, as on SQLite."""
    if not isinstance(part.work, SqlWorkQueue):
        return
    wakes: dict[str, Callable[[], None]] = {}
    if part.executor is not None:
        wakes[INBOX] = part.executor.nudge
    if part.worker is not None:
        wakes[JOBS] = part.worker.nudge
    listener = part.work.listener(wakes)
    if listener is not None:
        part.starts.append(listener.start)
        stack.callback(listener.stop)


def _poll(work: WorkQueue) -> float:
    """How often the worker and the inbox reader look at their tables unasked: seldom when
    other processes' writes wake them (PostgreSQL), a poll a transaction; this process's
    writers wake them themselves."""
    if isinstance(work, SqlWorkQueue) and work.notifies:
        return _NOTIFIED_POLL
    return _POLL


def start(part: Part) -> None:
    """Start the pieces built, in the order they were built."""
    for starter in part.starts:
        starter()


def build_local(part: Part, stack: ExitStack) -> None:
    """Every role in one process; task runs on the executor's threads."""
    _executor(part, stack, shared=False)
    build_scheduler(part, stack)
    build_webserver(part, stack)


def build_standalone(part: Part, stack: ExitStack) -> None:
    """Every role in one process; task runs through the backend's job table."""
    build_executor(part, stack)
    build_worker(part, stack)
    build_scheduler(part, stack)
    build_webserver(part, stack)


def build_executor(part: Part, stack: ExitStack) -> None:
    """The executor of a shared backend, with the reactions to executions' changes (schedules
    unlocked at an end, flow triggers) and the flow folder."""
    _executor(part, stack, shared=True)


def build_worker(part: Part, stack: ExitStack) -> None:
    """A worker serving the job table on ``threads`` threads."""
    config = part.config
    if config.threads <= 0:
        return
    worker = SharedWorker(
        part.services,
        part.flows.find,
        part.work,
        threads=config.threads,
        lease=timedelta(seconds=config.lease_seconds),
        poll=_poll(part.work),
        limits=config.limits,
    )
    part.worker = worker
    if part.executor is not None:
        # In one process, each tells the other at once instead of waiting for a poll; the
        # executor takes the worker's results from memory, not reading them back.
        worker.on_posted = part.executor.posted
        dispatcher = part.executor.executor.dispatcher
        if isinstance(dispatcher, QueueDispatcher):
            dispatcher.worker = worker  # and the worker takes the executor's jobs likewise
    halt = threading.Event()
    thread = threading.Thread(
        target=worker.serve,
        args=(halt,),
        kwargs={"grace": config.shutdown_grace_seconds},
        name="tiercel-worker",
        daemon=True,
    )

    def stop() -> None:
        halt.set()
        thread.join(config.shutdown_grace_seconds + 10)

    def start_worker() -> None:
        thread.start()
        stack.callback(stop)  # stopped before the executor: it hands its runs back to it

    part.starts.append(start_worker)


def build_scheduler(part: Part, stack: ExitStack) -> None:
    """The scheduler: schedules and polling triggers, served on a thread."""
    scheduler = _scheduler(part)
    thread = threading.Thread(
        target=scheduler.serve, args=(part.stop,), name="tiercel-scheduler", daemon=True
    )
    part.starts.append(thread.start)


def build_webserver(part: Part, stack: ExitStack) -> None:
    """The API application (served by the CLI), and the flow folder."""
    _folder(part)
    executor = part.executor
    stats = executor.stats if executor is not None else _queue_stats(part.work)
    services = part.services
    part.app = create_app(
        ApiContext(
            flows=part.flows,
            runner=part.runner,
            ends=part.ends,
            executions=services.executions,
            logs=services.logs,
            metrics=services.metrics,
            triggers=services.triggers,
            storage=services.storage,
            kv=services.kv,
            registry=part.registry,
            new_id=new_id,
            clock=services.clock,
            max_upload_bytes=part.config.max_upload_bytes,
            users=dict(part.config.users),
            tokens=part.config.tokens,
            stats=stats,
            functions=services.functions,
            seal=services.seal(),
            masker=services.masker,
            cache_dir=part.config.data_dir / "cache",
        )
    )


def _executor(part: Part, stack: ExitStack, *, shared: bool) -> None:
    config, services = part.config, part.services
    ends = EndSignal(services.executions.get)
    reactions = Reactions()

    def ended(execution: Execution) -> None:
        # Called on the executor thread: waiters wake at once; the rest is done on the
        # reactions thread.
        ends.ended(execution)
        reactions.put(execution, ended=True)

    def changed(execution: Execution) -> None:
        reactions.put(execution, ended=False)

    if shared:

        def wake_worker() -> None:
            if part.worker is not None:
                part.worker.nudge()

        # Working-directory task runs stay on the executor's threads: a few suffice.
        executor = shared_executor(
            services,
            part.flows.find,
            part.work,
            threads=4,
            on_end=ended,
            on_change=changed,
            lease=timedelta(seconds=config.lease_seconds),
            poll=_poll(part.work),
            limits=config.limits,
            on_enqueue=wake_worker,
        )
    else:
        executor = server_executor(
            services,
            part.flows.find,
            threads=config.threads,
            on_end=ended,
            on_change=changed,
            journal_dir=config.data_dir / "running",
            limits=config.limits,
        )
    part.executor, part.runner, part.ends = executor, executor, ends
    flow_triggers = FlowTriggers(services, _deployed(part.flows), _starter(executor))
    reactions.attach(_scheduler(part), flow_triggers)
    reactions_thread = threading.Thread(
        target=reactions.serve, name="tiercel-reactions", daemon=True
    )
    stack.callback(reactions.close)
    _folder(part)

    def start_executor() -> None:
        executor.start()
        stack.callback(executor.stop, config.shutdown_grace_seconds)

    part.starts.extend((start_executor, reactions_thread.start))


def _scheduler(part: Part) -> Scheduler:
    """The scheduler of this process, made once: the executor's reactions tell it of ends,
    the scheduler role serves it."""
    if part.scheduler is None:
        part.scheduler = Scheduler(
            part.services,
            _deployed(part.flows),
            _starter(part.runner),
            allowed_paths=part.config.allowed_paths,
        )
    return part.scheduler


def _folder(part: Part) -> None:
    """Deploy the flow folder now, and follow its changes once started."""
    if part.config.flows_dir is None or part.folder is not None:
        return
    part.folder = FlowFolder(part.config.flows_dir, part.flows)
    for problem in part.folder.sync():
        _log.error("%s", problem)
    watcher = threading.Thread(
        target=part.folder.watch, args=(part.stop,), name="tiercel-flow-folder", daemon=True
    )
    part.starts.append(watcher.start)


_BUILDERS: dict[Role, Callable[[Part, ExitStack], None]] = {
    Role.LOCAL: build_local,
    Role.STANDALONE: build_standalone,
    Role.EXECUTOR: build_executor,
    Role.WORKER: build_worker,
    Role.SCHEDULER: build_scheduler,
    Role.WEBSERVER: build_webserver,
}


def remote_part(
    services: Services, flows: Flows, work: WorkQueue, registry: Registry, config: ServerConfig
) -> Part:
    """A part with no executor yet: new executions are posted to the executor's inbox."""
    return Part(
        services,
        flows,
        work,
        registry,
        config,
        runner=RemoteRunner(services, work),
        ends=StoredEnds(services.executions),
    )


def _deployed(flows: Flows) -> Callable[[], list[Flow]]:
    return lambda: [d.flow for d in flows.current()]


def _starter(runner: ExecutionRunner) -> Callable[[StartRequest], str | None]:
    def start_execution(request: StartRequest) -> str | None:
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

    return start_execution


def _queue_stats(work: WorkQueue) -> Callable[[], dict[str, float]]:
    def stats() -> dict[str, float]:
        waiting, held = work.counts()
        return {"worker_jobs_waiting": float(waiting), "worker_jobs_held": float(held)}

    return stats
