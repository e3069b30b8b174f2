"""The executor of a server, assembled from its ports: for the embedded backend (an inbox in
memory, task runs on threads, a journal of attempts) or for a shared one (the inbox table,
the job table, the executor's lease)."""

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from tiercel.model.execution import Execution
from tiercel.runtime.console import ConsoleReport
from tiercel.runtime.dispatch import ThreadDispatcher
from tiercel.runtime.executor import Executor
from tiercel.runtime.held import Held
from tiercel.runtime.ids import process_id
from tiercel.runtime.inbox import MemoryInbox
from tiercel.runtime.journal import RunJournal
from tiercel.runtime.lease import ExecutorLease
from tiercel.runtime.logbook import Logbook
from tiercel.runtime.queue_dispatch import QueueDispatcher
from tiercel.runtime.recovery import recover_after_crash, recover_shared
from tiercel.runtime.service import ExecutorService
from tiercel.runtime.services import RunLimits, Services
from tiercel.runtime.shared import LEASE
from tiercel.runtime.table_inbox import TableInbox
from tiercel.runtime.task_worker import FlowFinder, TaskWorker
from tiercel.storage.work import WorkQueue

Listener = Callable[[Execution], None]


def server_executor(
    services: Services,
    find_flow: FlowFinder,
    *,
    threads: int = 8,
    on_end: Listener | None = None,
    on_change: Listener | None = None,
    journal_dir: Path | None = None,
    limits: RunLimits | None = None,
) -> ExecutorService:
    """The executor of ``server local``: task runs on ``threads`` threads of this process,
    their attempts written to a journal in ``journal_dir`` for the recovery after a crash."""
    held = Held(services, find_flow)
    logbook = Logbook(services, held.flow_of, limits=limits)
    journal = RunJournal(journal_dir) if journal_dir is not None else None
    worker = TaskWorker(services, logbook, find_flow, held.run, journal=journal)
    inbox = MemoryInbox()
    report = ConsoleReport(on_end, on_change)
    executor = Executor(
        held,
        inbox,
        ThreadDispatcher(worker, inbox, threads),
        logbook,
        keep_ended=False,
        on_end=report.ended,
        on_change=report.changed,
    )
    return ExecutorService(
        executor, worker, recover=lambda loop: recover_after_crash(loop, journal)
    )


def shared_executor(
    services: Services,
    find_flow: FlowFinder,
    work: WorkQueue,
    *,
    threads: int = 4,
    on_end: Listener | None = None,
    on_change: Listener | None = None,
    lease: timedelta = LEASE,
    poll: float = 0.02,
    limits: RunLimits | None = None,
    on_enqueue: Callable[[], None] | None = None,
) -> ExecutorService:
    """The executor of a shared backend: one at a time holds the lease (others stand by);
    task runs go to worker processes through the job table, those inside a working directory
    to ``threads`` threads of this process; ``on_enqueue`` is told when jobs are handed over
    (a worker of this process looks at once)."""
    held = Held(services, find_flow)
    logbook = Logbook(services, held.flow_of, limits=limits)
    worker = TaskWorker(services, logbook, find_flow, held.run)
    inbox = TableInbox(work, poll=poll)
    dispatcher = QueueDispatcher(work, ThreadDispatcher(worker, inbox, threads), services.clock)
    dispatcher.on_enqueue = on_enqueue
    report = ConsoleReport(on_end, on_change)
    executor = Executor(
        held,
        inbox,
        dispatcher,
        logbook,
        keep_ended=False,
        on_end=report.ended,
        on_change=report.changed,
    )
    holder = process_id()
    guard = ExecutorLease(work, holder, services, inbox, lease)
    return ExecutorService(
        executor,
        worker,
        recover=lambda loop: recover_shared(loop, guard),
        guard=guard,
        companions=(inbox, guard),
        service_id=holder,
    )
