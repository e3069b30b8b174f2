"""One executor of a shared backend at a time: the executor's lease, renewed while it runs,
and the jobs of lost workers taken back meanwhile."""

import logging
import threading
from collections import defaultdict
from collections.abc import Callable
from datetime import timedelta

from tiercel.engine import Recover
from tiercel.host import processes
from tiercel.runtime.ids import dead_here
from tiercel.runtime.ports import Inbox
from tiercel.runtime.services import Services
from tiercel.storage.work import Job, WorkQueue

_log = logging.getLogger("tiercel.shared")

_NAME = "executor"


class ExecutorLease:
    """The executor's lease (a ``Guard``), and the ``Companion`` thread that renews it every
    third of ``lease`` and takes back the jobs of workers gone meanwhile.

    Args:
        work: The backend's work queue, where the lease is held.
        holder: This executor's id.
        services: The stores (their clock).
        inbox: Where a lost job's ``Recover`` goes.
        lease: How long the lease lasts without renewal.
    """

    def __init__(
        self, work: WorkQueue, holder: str, services: Services, inbox: Inbox, lease: timedelta
    ) -> None:
        self.work = work
        self.holder = holder
        self.lease = lease
        self._services = services
        self._inbox = inbox
        self._halt = threading.Event()
        self._thread: threading.Thread | None = None

    def acquire(self, halted: threading.Event) -> bool:
        """Wait for the lease (others stand by); False when ``halted`` first."""
        waiting = False
        while not self._hold():
            if not waiting:
                _log.info("another executor is running: standing by until its lease expires")
                waiting = True
            if halted.wait(self.lease.total_seconds() / 3):
                return False
        return True

    def release(self) -> None:
        """Give the lease up."""
        self.work.release(_NAME, self.holder)

    def start(self, halt: Callable[[], None]) -> None:
        """Renew the lease on a thread; ``halt`` the executor if it is lost."""
        self._thread = threading.Thread(
            target=self._watch, args=(halt,), name="tiercel-leases", daemon=True
        )
        self._thread.start()

    def stop(self, timeout: float) -> None:
        """Stop renewing."""
        self._halt.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def take_back_dead(self) -> list[Job]:
        """The jobs of workers of this machine whose process is gone, taken back without
        waiting for their leases to end (a server killed and started again)."""
        taken: list[Job] = []
        for worker in self.work.workers():
            if dead_here(worker.worker_id):
                taken.extend(self.work.take_back(worker.worker_id))
        if taken:
            # What their processes started is killed before the task runs are retried.
            processes.reap_orphans()
        return taken

    def _hold(self) -> bool:
        now = self._services.clock()
        if self.work.hold(_NAME, self.holder, now=now, lease=self.lease):
            return True
        # A holder on this machine whose process is gone (killed, then restarted here) need
        # not be waited for.
        holder = self.work.holder(_NAME)
        if holder is None or not dead_here(holder):
            return False
        _log.info("executor %s died on this machine: taking over at once", holder)
        self.work.release(_NAME, holder)
        return self.work.hold(_NAME, self.holder, now=now, lease=self.lease)

    def _watch(self, halt: Callable[[], None]) -> None:
        every = self.lease.total_seconds() / 3
        while not self._halt.wait(every):
            try:
                held = self._hold()
            except Exception:
                _log.exception("renewing the executor's lease failed")
                continue
            if not held:
                # Stalled past its lease, another executor took over: two must never apply
                # events to the same executions.
                _log.critical("the executor's lease was taken over: this executor stops")
                halt()
                return
            try:
                self._take_back_expired()
            except Exception:
                _log.exception("taking back the jobs of lost workers failed")

    def _take_back_expired(self) -> None:
        now = self._services.clock()
        lost: dict[str, set[str]] = defaultdict(set)
        for job in [*self.take_back_dead(), *self.work.expired(now)]:
            _log.warning(
                "worker %s is gone with task run %s: it gets a new attempt",
                job.worker_id,
                job.task_run_id,
            )
            lost[job.execution_id].add(job.task_run_id)
        for execution_id, runs in lost.items():
            self._inbox.put(execution_id, Recover(lost=frozenset(runs), waits=False))
        self.work.forget_workers(now - timedelta(days=1))
