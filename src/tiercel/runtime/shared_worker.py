"""A worker process of a shared backend: it claims jobs from the work queue under a lease it
renews, runs them with a ``TaskWorker`` and posts each result to the executor's inbox."""

import logging
import os
import socket
import threading
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import timedelta

from tiercel.engine import Event, Recover, TaskResult
from tiercel.model.state import State
from tiercel.model.task import LogLevel
from tiercel.runtime.ids import process_id
from tiercel.runtime.logbook import Logbook, stored_flow_of
from tiercel.runtime.services import RunLimits, Services
from tiercel.runtime.shared import LEASE
from tiercel.runtime.task_worker import FlowFinder, TaskWorker, stored_run
from tiercel.runtime.wire import ForeignVersion, TaskFinder, WireError, decode_job, encode_event
from tiercel.runtime.worker import WorkerPool
from tiercel.storage.work import Job, WorkerRecord, WorkQueue

_log = logging.getLogger("tiercel.shared")


class SharedWorker:
    """Runs jobs from the work queue on up to ``threads`` threads, in a process of its own."""

    def __init__(
        self,
        services: Services,
        find_flow: FlowFinder,
        queue: WorkQueue,
        *,
        threads: int = 8,
        lease: timedelta = LEASE,
        poll: float = 0.02,
        worker_id: str | None = None,
        limits: RunLimits | None = None,
    ) -> None:
        self.services = services
        self.logbook = Logbook(services, stored_flow_of(services), limits=limits)
        self.worker = TaskWorker(services, self.logbook, find_flow, stored_run(services))
        self._tasks = TaskFinder(find_flow)
        self.queue = queue
        self.threads = max(1, threads)
        self.lease = lease
        self._poll = poll
        host = socket.gethostname()
        self.worker_id = worker_id or process_id(host)
        self._record = WorkerRecord(
            self.worker_id, host, os.getpid(), self.threads, services.clock(), services.clock()
        )
        self._lock = threading.Lock()
        self._running: dict[str, Job] = {}
        self._handing_back: set[str] = set()
        self._given_back: set[str] = set()
        """Task runs whose jobs are of another version: this worker no longer claims them."""
        self._free = threading.Semaphore(self.threads)
        self._wake = threading.Event()
        self._pool: WorkerPool | None = None
        """The job threads while the worker serves and takes jobs in memory (under the lock)."""
        self.on_posted: Callable[[int, str, bytes], None] | None = None
        """Called with a result's inbox sequence number, execution and payload once it is
        posted: an executor in this process takes it without reading it back."""

    def nudge(self) -> None:
        """Look for jobs now: some were handed over in this process."""
        self._wake.set()

    def serve(self, stop: threading.Event, *, grace: float = 30.0) -> None:
        """Claim and run jobs until ``stop`` is set; then let running jobs finish for up to
        ``grace`` seconds, and hand those still running back to the executor."""
        halt_heartbeat = threading.Event()
        heartbeat = threading.Thread(
            target=self._heartbeat, args=(halt_heartbeat,), name="tiercel-heartbeat", daemon=True
        )
        self._renew()
        heartbeat.start()
        _log.info("worker %s is up with %d threads", self.worker_id, self.threads)
        pool = WorkerPool(self.threads, name="tiercel-job")
        with self._lock:
            self._pool = pool
        try:
            while not stop.is_set():
                taken = self._take_slots()
                if taken:
                    self._claim(taken, pool)
            with self._lock:
                self._pool = None  # jobs handed over from now on go back to the table
            self._wind_down(grace)
        finally:
            with self._lock:
                self._pool = None
            pool.close()
            halt_heartbeat.set()
            heartbeat.join()
            self.logbook.flush()
            self.logbook.writer.close()

    def reserve(self, wanted: int) -> int:
        """Set aside up to ``wanted`` free threads for jobs the executor of this process
        stores claimed by this worker and hands over (``hand``); how many, without waiting."""
        with self._lock:
            if self._pool is None:
                return 0
        taken = 0
        while taken < wanted and self._free.acquire(blocking=False):
            taken += 1
        return taken

    def unreserve(self, count: int) -> None:
        """Free ``count`` threads set aside whose jobs were not stored after all."""
        for _ in range(count):
            self._free.release()

    def hand(self, jobs: Sequence[Job]) -> None:
        """Run ``jobs``, stored claimed by this worker, on the threads set aside for them.
        Once the worker is stopping they go back to the table, for the next claim."""
        with self._lock:
            pool = self._pool
            if pool is not None:
                for job in jobs:
                    self._running[job.task_run_id] = job
                    pool.submit(self._run_job, job)
        if pool is not None:
            return
        for job in jobs:
            try:
                self.queue.give_back(self.worker_id, job.task_run_id)
            except Exception:
                _log.exception("giving job %s back failed: its lease will expire", job.task_run_id)
            finally:
                self._free.release()

    def _claim(self, taken: int, pool: WorkerPool) -> None:
        self._wake.clear()
        with self._lock:
            skip = frozenset(self._given_back)
        try:
            jobs = self.queue.claim(
                self.worker_id, taken, now=self.services.clock(), lease=self.lease, skip=skip
            )
        except Exception:
            _log.exception("claiming jobs failed")
            jobs = []
        for _ in range(taken - len(jobs)):
            self._free.release()
        for job in jobs:
            with self._lock:
                self._running[job.task_run_id] = job
            pool.submit(self._run_job, job)
        if len(jobs) < taken:  # all there was: the next comes with a wake, or a poll
            self._wake.wait(self._poll)

    def _take_slots(self) -> int:
        """Wait a little for a free thread; take every free one."""
        if not self._free.acquire(timeout=self._poll):
            return 0
        taken = 1
        while taken < self.threads and self._free.acquire(blocking=False):
            taken += 1
        return taken

    def _wind_down(self, grace: float) -> None:
        for _ in range(round(grace / 0.1)):
            with self._lock:
                if not self._running:
                    return
            threading.Event().wait(0.1)
        with self._lock:
            left = list(self._running)
            self._handing_back.update(left)
        _log.warning("handing %d running task runs back to the executor", len(left))
        self.worker.kill(left)

    def _run_job(self, job: Job) -> None:
        run_id = job.task_run_id
        try:
            command = decode_job(job.payload, self._tasks)
        except ForeignVersion as exc:
            self._give_back(job, exc)
            return
        except WireError as exc:  # damaged, or its flow revision is gone: the run fails
            _log.error("job %s cannot be run: %s", run_id, exc)
            self._log_failure(job, exc)
            command = None
        try:
            result = (
                TaskResult(run_id, State.FAILED)
                if command is None
                else self.worker.run(job.execution_id, command)
            )
        except Exception as exc:  # the run fails, visibly
            _log.exception("job %s cannot be run", run_id)
            self._log_failure(job, exc)
            result = TaskResult(run_id, State.FAILED)
        with self._lock:
            self._running.pop(run_id, None)
            handed_back = run_id in self._handing_back
        answer: Event = Recover(lost=frozenset({run_id}), waits=False) if handed_back else result
        self.logbook.flush()
        try:
            payload = encode_event(answer)
            seq = self.queue.complete(self.worker_id, run_id, payload, now=self.services.clock())
            if seq is None:
                _log.warning("task run %s was taken back while it ran: result dropped", run_id)
            elif self.on_posted is not None:
                self.on_posted(seq, job.execution_id, payload)
        except Exception:
            _log.exception("reporting task run %s failed: its lease will expire", run_id)
        finally:
            self._free.release()

    def _give_back(self, job: Job, exc: ForeignVersion) -> None:
        """Return a job of another version to the queue, where a worker of that version
        claims it; this worker skips it from now on."""
        with self._lock:
            self._running.pop(job.task_run_id, None)
            self._given_back.add(job.task_run_id)
        try:
            self.queue.give_back(self.worker_id, job.task_run_id)
            _log.error(
                "job of task run %s (execution %s) is given back for a worker of its version: %s",
                job.task_run_id,
                job.execution_id,
                exc,
            )
        except Exception:
            _log.exception("giving job %s back failed: its lease will expire", job.task_run_id)
        finally:
            self._free.release()

    def _log_failure(self, job: Job, exc: Exception) -> None:
        run = stored_run(self.services)(job.execution_id, job.task_run_id)
        message = f"the worker cannot run the job: {exc}"
        self.logbook.executor_line(job.execution_id, run, LogLevel.ERROR, message)

    def _heartbeat(self, halt: threading.Event) -> None:
        while not halt.wait(self.lease.total_seconds() / 3):
            self.logbook.flush()  # lines of long tasks show while they run
            try:
                self._renew()
            except Exception:
                _log.exception("renewing the worker's leases failed")

    def _renew(self) -> None:
        record = replace(self._record, heartbeat_at=self.services.clock())
        held = self.queue.renew(record, lease=self.lease)
        self.worker.kill([job.task_run_id for job in held if job.kill])
        if self._given_back:
            # Jobs given back that a worker of their version has run since: none to skip.
            pending = self.queue.pending_runs()
            with self._lock:
                self._given_back &= pending
