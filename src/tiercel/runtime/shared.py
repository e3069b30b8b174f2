"""Executors, workers and API servers in separate processes, sharing work through the backend.

The executor hands each task run to the ``WorkQueue`` as a job; ``SharedWorker`` processes,
on this machine or others, claim jobs under a lease they renew, and post each result to the
executor's inbox in the transaction that deletes the job. The API and the scheduler of other
processes create executions through ``RemoteRunner``, which posts to the same inbox. A worker
that dies stops renewing its leases: the executor takes its jobs back, and their task runs get
a new attempt, visible as such. An executor that dies loses nothing either: jobs outlive it,
their results wait in the inbox, and the next executor gives a new attempt only to the running
task runs that have neither.

Jobs and events travel as versioned JSON (``wire``). A payload of another major version is
left in the queue for a process of that version, with one log line: during a rolling upgrade
an old worker gives a new executor's jobs back, and an old executor leaves a new process's
events in the inbox for the executor that replaces it.
"""

import logging
import os
import queue
import socket
import threading
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from tiercel.engine import Event, ExecutionView, KillRuns, Recover, RunTask, Start, TaskResult
from tiercel.model.execution import Execution, ExecutionTrigger
from tiercel.model.flow import Flow
from tiercel.model.labels import Label
from tiercel.model.state import State
from tiercel.model.task import LogLevel
from tiercel.runtime.executor import FlowFinder, ServerExecutor
from tiercel.runtime.host import TaskHost
from tiercel.runtime.ids import dead_here, process_id
from tiercel.runtime.local import _Call, new_execution
from tiercel.runtime.services import RunLimits, Services
from tiercel.runtime.wire import (
    Admit,
    ForeignVersion,
    TaskFinder,
    WireError,
    decode_event,
    decode_job,
    encode_event,
    encode_job,
)
from tiercel.runtime.worker import WorkerPool
from tiercel.sdk import processes
from tiercel.storage.work import InboxItem, Job, WorkerRecord, WorkQueue

_log = logging.getLogger("tiercel.shared")

LEASE = timedelta(seconds=30)
"""How long a worker holds a job without renewing its lease; it renews every third of it."""

_INBOX_BATCH = 500

_EXECUTOR_LEASE = "executor"

_UNFINISHED = (State.CREATED, State.RUNNING, State.RESTARTED)


class SharedExecutor(ServerExecutor):
    """A server executor whose task runs go to worker processes through the work queue.

    Task runs inside a working directory still run on the executor's own threads: their files
    live on one machine.
    """

    def __init__(
        self,
        services: Services,
        find_flow: FlowFinder,
        queue: WorkQueue,
        *,
        threads: int = 4,
        on_end: Callable[[Execution], None] | None = None,
        on_change: Callable[[Execution], None] | None = None,
        lease: timedelta = LEASE,
        poll: float = 0.02,
        limits: RunLimits | None = None,
    ) -> None:
        super().__init__(
            services,
            find_flow,
            threads=threads,
            on_end=on_end,
            on_change=on_change,
            limits=limits,
        )
        self.queue = queue
        self.lease = lease
        self._poll = poll
        self._outbox: list[Job] = []
        self.executor_id = process_id()
        self._halt = threading.Event()
        self._wake = threading.Event()
        self._helpers: list[threading.Thread] = []
        self.on_enqueue: Callable[[], None] | None = None
        """Called after jobs are handed over: a worker in this process starts at once."""

    def start(self) -> None:
        """Wait for the executor's lease (one executor runs at a time; others stand by),
        then pick up what the previous executor left, serve, and read the inbox."""
        waiting = False
        while not self._hold_lease():
            if not waiting:
                _log.info("another executor is running: standing by until its lease expires")
                waiting = True
            if self._halt.wait(self.lease.total_seconds() / 3):
                return
        super().start()
        for target, name in (
            (self._read_inbox, "tiercel-inbox"),
            (self._watch_leases, "tiercel-leases"),
        ):
            thread = threading.Thread(target=target, name=name, daemon=True)
            thread.start()
            self._helpers.append(thread)

    def nudge(self) -> None:
        """Read the inbox now: something was posted in this process."""
        self._wake.set()

    def stop(self, timeout: float = 30.0) -> None:
        """Stop reading the inbox, stop the executor, and give its lease up."""
        self._halt.set()
        self._wake.set()
        for thread in self._helpers:
            thread.join(timeout)
        super().stop(timeout)
        if self._helpers:
            self.queue.release(_EXECUTOR_LEASE, self.executor_id)

    def _hold_lease(self) -> bool:
        now = self.services.clock()
        if self.queue.hold(_EXECUTOR_LEASE, self.executor_id, now=now, lease=self.lease):
            return True
        # A holder on this machine whose process is gone (killed, then restarted here) need
        # not be waited for.
        holder = self.queue.holder(_EXECUTOR_LEASE)
        if holder is None or not dead_here(holder):
            return False
        _log.info("executor %s died on this machine: taking over at once", holder)
        self.queue.release(_EXECUTOR_LEASE, holder)
        return self.queue.hold(_EXECUTOR_LEASE, self.executor_id, now=now, lease=self.lease)

    def stats(self) -> dict[str, float]:
        """The server executor's gauges, with the jobs waiting for and held by workers."""
        waiting, held = self.queue.counts()
        return {**super().stats(), "worker_jobs_waiting": float(waiting), "worker_jobs_held": held}

    # --- handing work to workers ------------------------------------------------------------

    def _carry_out(self, view: ExecutionView, command: Any, pool: WorkerPool) -> None:
        if isinstance(command, RunTask) and command.directory is None:
            now = self.services.clock()
            execution_id = view.execution.id
            payload = encode_job(command, view.execution.flow_revision)
            self._outbox.append(Job(command.run.id, execution_id, payload, now))
            with self._lock:
                self._jobs -= 1  # counted by the loop as a local job: it is not one
            return
        if isinstance(command, KillRuns):
            self.queue.kill(command.task_run_ids)
        super()._carry_out(view, command, pool)

    def _after_step(self, view: ExecutionView) -> None:
        if self._outbox:
            jobs, self._outbox = self._outbox, []
            self.queue.enqueue(jobs)
            if self.on_enqueue is not None:
                self.on_enqueue()
        super()._after_step(view)

    # --- what other processes send ----------------------------------------------------------

    def _read_inbox(self) -> None:
        # Every unacknowledged item is read again each time, less those already handed to the
        # executor: PostgreSQL commits sequence numbers out of order, so a watermark could
        # step over an item committed late.
        delivered: set[int] = set()
        acked: queue.SimpleQueue[list[int]] = queue.SimpleQueue()
        while not self._halt.is_set():
            while not acked.empty():
                delivered.difference_update(acked.get())
            try:
                items = self.queue.take(0, _INBOX_BATCH + len(delivered))
            except Exception:  # the database may be restarting: try again shortly
                _log.exception("reading the executor's inbox failed")
                self._halt.wait(1.0)
                continue
            fresh = [item for item in items if item.seq not in delivered]
            if not fresh:
                self._wake.wait(self._poll)
                self._wake.clear()
                continue
            # Items of another version stay in the inbox, unacknowledged, for an executor
            # that reads them; this one skips them from now on.
            seqs = [item.seq for item in fresh if self._deliver(item)]
            delivered.update(item.seq for item in fresh)
            # Acknowledged once the executor has applied the items before it.
            self._events.put(("", _Call(_acknowledger(self.queue, seqs, acked), threading.Event())))

    def _deliver(self, item: InboxItem) -> bool:
        """Hand an inbox item to the executor; False when it is left for another version."""
        try:
            event = decode_event(item.payload)
        except ForeignVersion as exc:
            _log.error(
                "inbox item %d (execution %s) is left in the inbox for an executor of its "
                "version: %s",
                item.seq,
                item.execution_id,
                exc,
            )
            return False
        except WireError as exc:
            _log.error("inbox item %d cannot be read, dropped: %s", item.seq, exc)
            return True
        if isinstance(event, Admit):
            work = _admitter(self, item.execution_id)
            self._events.put(("", _Call(work, threading.Event())))
        else:
            self._events.put((item.execution_id, event))
        return True

    def _watch_leases(self) -> None:
        every = self.lease.total_seconds() / 3
        while not self._halt.wait(every):
            try:
                held = self._hold_lease()
            except Exception:
                _log.exception("renewing the executor's lease failed")
                continue
            if not held:
                # Stalled past its lease, another executor took over: two must never apply
                # events to the same executions.
                _log.critical("the executor's lease was taken over: this executor stops")
                self._halt.set()
                self._stop.set()
                return
            try:
                self._take_back_expired()
            except Exception:
                _log.exception("taking back the jobs of lost workers failed")

    def _take_back_expired(self) -> None:
        now = self.services.clock()
        lost: dict[str, set[str]] = defaultdict(set)
        for job in [*self._take_back_dead(), *self.queue.expired(now)]:
            _log.warning(
                "worker %s is gone with task run %s: it gets a new attempt",
                job.worker_id,
                job.task_run_id,
            )
            lost[job.execution_id].add(job.task_run_id)
        for execution_id, runs in lost.items():
            self._events.put((execution_id, Recover(lost=frozenset(runs), waits=False)))
        self.queue.forget_workers(now - timedelta(days=1))

    def _take_back_dead(self) -> list[Job]:
        """The jobs of workers of this machine whose process is gone, taken back without
        waiting for their leases to end (a server killed and started again)."""
        taken: list[Job] = []
        for worker in self.queue.workers():
            if dead_here(worker.worker_id):
                taken.extend(self.queue.take_back(worker.worker_id))
        if taken:
            # What their processes started is killed before the task runs are retried.
            processes.reap_orphans()
        return taken

    def admit_stored(self, execution_id: str) -> None:
        """Admit an execution another process stored (on the executor thread)."""
        view = self._views.get(execution_id) or self._load_view(execution_id)
        if view is None or view.execution.state.current is not State.CREATED:
            return
        admitted, start = self._admit(view.flow, view.execution)
        if admitted is not view.execution:
            self.services.executions.save(admitted, ())
            view = self._view(view.flow, admitted, [])
        if start:
            self._events.put((execution_id, Start()))
        elif admitted.state.current.is_terminated:
            self._views.pop(execution_id, None)

    # --- starting after another executor ---------------------------------------------------

    def _recover_unfinished(self) -> None:
        # Jobs outlive executors and results wait in the inbox: only running task runs with
        # neither were lost (the executor died between storing a step and handing it over,
        # or the worker that held them died on this machine).
        # The jobs of dead workers had begun (a worker claims only what its free threads
        # take); the other lost runs were never handed over, and never began.
        began = frozenset(job.task_run_id for job in self._take_back_dead())
        in_hands = self.queue.pending_runs()
        for item in self.queue.take(0, 1_000_000):
            try:
                event = decode_event(item.payload)
            except WireError:
                continue
            if isinstance(event, TaskResult):
                in_hands.add(event.task_run_id)
        found = self.services.executions.find(states=[s.value for s in _UNFINISHED])
        picked = 0
        for execution_id in found:
            view = self._load_view(execution_id)
            if view is None:
                continue
            picked += 1
            if view.execution.state.current is State.CREATED:
                self.admit_stored(execution_id)
                continue
            lost = frozenset(
                run.id
                for run in view.task_runs()
                if run.state.current is State.RUNNING and run.attempts and run.id not in in_hands
            )
            self._events.put((execution_id, Recover(lost=lost, started=began & lost)))
        if picked:
            _log.info("picking up %d unfinished executions", picked)
        self._dequeue_all()


def _acknowledger(
    work: WorkQueue, seqs: list[int], acked: "queue.SimpleQueue[list[int]]"
) -> Callable[[], None]:
    def ack() -> None:
        work.ack(seqs)
        acked.put(seqs)

    return ack


def _admitter(executor: SharedExecutor, execution_id: str) -> Callable[[], None]:
    return lambda: executor.admit_stored(execution_id)


class RemoteRunner:
    """The ``ExecutionRunner`` of a process without an executor: it stores new executions
    and posts events to the executor's inbox."""

    def __init__(self, services: Services, queue: WorkQueue) -> None:
        self.services = services
        self.queue = queue

    def create(
        self,
        flow: Flow,
        inputs: Mapping[str, Any] | None = None,
        labels: tuple[Label, ...] = (),
        *,
        trigger: ExecutionTrigger | None = None,
        schedule_date: datetime | None = None,
    ) -> Execution:
        """Store a new execution of ``flow`` and ask the executor to admit it.

        Raises:
            InputError: the inputs are refused; no execution was created.
        """
        execution = new_execution(
            self.services,
            flow,
            dict(inputs or {}),
            labels,
            trigger=trigger,
            schedule_date=schedule_date,
        )
        self.services.executions.save(execution, ())
        self.queue.post(execution.id, encode_event(Admit()), now=self.services.clock())
        return execution

    def send(self, execution_id: str, event: Event) -> None:
        """Post ``event`` for the execution to the executor's inbox."""
        self.queue.post(execution_id, encode_event(event), now=self.services.clock())


class SharedWorker(TaskHost):
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
        super().__init__(services, on_log=None)
        if limits is not None:
            self.limits = limits
        self._keep_results = False
        self._find_flow = find_flow
        self._tasks = TaskFinder(find_flow)
        self._given_back: set[str] = set()
        """Task runs whose jobs are of another version: this worker no longer claims them."""
        self.queue = queue
        self.threads = max(1, threads)
        self.lease = lease
        self._poll = poll
        host = socket.gethostname()
        self.worker_id = worker_id or process_id(host)
        self._record = WorkerRecord(
            self.worker_id, host, os.getpid(), self.threads, services.clock(), services.clock()
        )
        self._running: dict[str, Job] = {}
        self._handing_back: set[str] = set()
        self._free = threading.Semaphore(self.threads)
        self._wake = threading.Event()
        self.on_complete: Callable[[], None] | None = None
        """Called after a result is posted: an executor in this process reads it at once."""

    def nudge(self) -> None:
        """Look for jobs now: some were handed over in this process."""
        self._wake.set()

    def _flow(self, namespace: str, flow_id: str, revision: int | None = None) -> Flow | None:
        return self._find_flow(namespace, flow_id, revision)

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
        try:
            while not stop.is_set():
                taken = self._take_slots()
                if not taken:
                    continue
                self._wake.clear()
                try:
                    with self._lock:
                        skip = frozenset(self._given_back)
                    jobs = (
                        self.queue.claim(
                            self.worker_id,
                            taken,
                            now=self.services.clock(),
                            lease=self.lease,
                            skip=skip,
                        )
                        if self.queue.any_waiting(skip)  # an idle poll writes nothing
                        else []
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
                if not jobs:
                    self._wake.wait(self._poll)
            self._wind_down(grace)
        finally:
            pool.close()
            halt_heartbeat.set()
            heartbeat.join()
            self._flush_logs()
            self._log_writer.close()

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
        self.kill_runs(left)

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
                else self._run_task(job.execution_id, command)
            )
        except Exception as exc:  # the run fails, visibly
            _log.exception("job %s cannot be run", run_id)
            self._log_failure(job, exc)
            result = TaskResult(run_id, State.FAILED)
        with self._lock:
            self._running.pop(run_id, None)
            handed_back = run_id in self._handing_back
        answer: Event = Recover(lost=frozenset({run_id}), waits=False) if handed_back else result
        self._flush_logs()
        try:
            if not self.queue.complete(
                self.worker_id, run_id, encode_event(answer), now=self.services.clock()
            ):
                _log.warning("task run %s was taken back while it ran: result dropped", run_id)
            elif self.on_complete is not None:
                self.on_complete()
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
        run = self._owner_run(job.execution_id, job.task_run_id)
        self._log(job.execution_id, run, LogLevel.ERROR, f"the worker cannot run the job: {exc}")

    def _heartbeat(self, halt: threading.Event) -> None:
        while not halt.wait(self.lease.total_seconds() / 3):
            self._flush_logs()  # lines of long tasks show while they run
            try:
                self._renew()
            except Exception:
                _log.exception("renewing the worker's leases failed")

    def _renew(self) -> None:
        record = replace(self._record, heartbeat_at=self.services.clock())
        held = self.queue.renew(record, lease=self.lease)
        self.kill_runs([job.task_run_id for job in held if job.kill])
        if self._given_back:
            # Jobs given back that a worker of their version has run since: none to skip.
            pending = self.queue.pending_runs()
            with self._lock:
                self._given_back &= pending
