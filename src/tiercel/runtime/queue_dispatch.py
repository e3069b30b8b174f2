"""Task runs dispatched to worker processes through the backend's job table."""

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Protocol

from tiercel.engine import RunTask
from tiercel.model.execution import Execution
from tiercel.runtime.dispatch import ThreadDispatcher
from tiercel.runtime.wire import encode_job
from tiercel.storage.work import Job, WorkQueue


class LocalWorker(Protocol):
    """A worker in the executor's own process, which takes jobs in memory."""

    worker_id: str
    lease: timedelta

    def reserve(self, wanted: int) -> int:
        """Set aside up to ``wanted`` free threads, without waiting; how many."""
        ...

    def unreserve(self, count: int) -> None:
        """Give back ``count`` threads set aside and not handed a job."""
        ...

    def hand(self, jobs: Sequence[Job]) -> None:
        """Run ``jobs``, stored claimed by this worker, on threads set aside for them."""
        ...


class QueueDispatcher:
    """A ``Dispatcher`` that hands task runs to workers as jobs, stored in the transaction
    of the step that made them; their results come back through the inbox table.

    Task runs inside a working directory run on ``local`` threads instead: their files live
    on one machine.
    """

    def __init__(
        self, work: WorkQueue, local: ThreadDispatcher, clock: Callable[[], datetime]
    ) -> None:
        self.work = work
        self.local = local
        self._clock = clock
        self._staged = False
        """Whether jobs were staged since the last ``flush``."""
        self.on_enqueue: Callable[[], None] | None = None
        """Called after jobs are handed over: a worker in this process starts at once."""
        self.worker: LocalWorker | None = None
        """A worker of this process: the jobs it has free threads for are stored claimed by
        it and handed over in memory, which spares a claim transaction per task run. Should
        the process die, their leases expire and the executor takes them back as any other."""
        self._claimed: list[Job] = []
        """Jobs staged claimed by ``worker``, handed over at the next ``flush``."""

    def open(self) -> None:
        """Open the local threads."""
        self.local.open()

    def close(self) -> None:
        """Close the local threads."""
        self.local.close()

    def stage(self, execution: Execution, commands: Sequence[RunTask]) -> Sequence[Job]:
        """A job for each task run not inside a working directory, for the executor to store
        with the step that made it: a step and its jobs are committed together.

        Raises:
            WireError: A task run's variables are not plain data (JSON cannot hold them).
        """
        now = self._clock()
        # A job names its task by id in the execution's flow revision: the worker loads it.
        jobs = [
            Job(command.run.id, execution.id, encode_job(command, execution.flow_revision), now)
            for command in commands
            if command.directory is None
        ]
        if jobs and self.worker is not None:
            jobs = self._claim_here(jobs, now)
        self._staged = self._staged or any(job.worker_id is None for job in jobs)
        return jobs

    def _claim_here(self, jobs: list[Job], now: datetime) -> list[Job]:
        """``jobs``, the first as many as this process's worker has free threads for
        claimed by it."""
        worker = self.worker
        assert worker is not None
        here = worker.reserve(len(jobs))
        if not here:
            return jobs
        until = now + worker.lease
        claimed = [
            replace(job, worker_id=worker.worker_id, lease_until=until) for job in jobs[:here]
        ]
        self._claimed.extend(claimed)
        return claimed + jobs[here:]

    def unstage(self) -> None:
        """The jobs staged since the last ``flush`` were not stored: the threads set aside
        for them are free again."""
        self._staged = False
        if self._claimed:
            count, self._claimed = len(self._claimed), []
            if self.worker is not None:
                self.worker.unreserve(count)

    def dispatch(self, execution: Execution, commands: Sequence[RunTask]) -> None:
        """Run the task runs inside a working directory here (``stage`` made jobs of the
        others, stored by now)."""
        here = [command for command in commands if command.directory is not None]
        if here:
            self.local.dispatch(execution, here)

    def kill(self, run_ids: list[str]) -> None:
        """Flag the jobs of ``run_ids`` (their workers stop them) and stop those here."""
        self.work.kill(run_ids)
        self.local.kill(run_ids)

    def flush(self) -> None:
        """Hand the jobs stored claimed to this process's worker; tell it that jobs wait in
        the table, if some were stored there."""
        if self._claimed:
            claimed, self._claimed = self._claimed, []
            assert self.worker is not None
            self.worker.hand(claimed)
        if self._staged:
            self._staged = False
            if self.on_enqueue is not None:
                self.on_enqueue()

    def outstanding(self) -> int:
        """Task runs out on this process's threads (jobs outlive it: they are not counted)."""
        return self.local.outstanding()

    def drain(self) -> None:
        """Start no more task runs here; jobs go on being queued, for the workers."""
        self.local.drain()

    def stats(self) -> dict[str, float]:
        """The local threads' gauges, with the jobs waiting for and held by workers."""
        waiting, held = self.work.counts()
        return {
            **self.local.stats(),
            "worker_jobs_waiting": float(waiting),
            "worker_jobs_held": float(held),
        }
