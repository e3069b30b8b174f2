"""The port of the work shared between processes on one backend.

An executor hands task runs to workers as *jobs*; a worker claims a job with a *lease* it
renews while it runs, and answers by posting an event to the executor's *inbox* in the same
transaction that deletes the job. Whoever else wants something of an execution (the API, the
scheduler, a worker handing a job back) posts to the inbox too. A worker that stops renewing
its leases has died: the executor takes its jobs back and gives their task runs a new attempt.

Payloads are opaque bytes to the store; the runtime decides what they hold.
"""

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol


@dataclass(frozen=True, slots=True)
class Job:
    """A task run for a worker.

    Attributes:
        task_run_id: The task run; a new attempt replaces the job of the last one.
        execution_id: The execution it belongs to.
        payload: What the worker needs to run it.
        created_at: When it was handed over: jobs are claimed oldest first.
        worker_id: The worker that holds it, or None while nobody has claimed it.
        kill: Whether the executor asked for the run to be killed.
        lease_until: Until when ``worker_id`` holds it, for a job stored already claimed (a
            worker of the executor's own process takes it in memory); None otherwise.
    """

    task_run_id: str
    execution_id: str
    payload: bytes
    created_at: datetime
    worker_id: str | None = None
    kill: bool = False
    lease_until: datetime | None = None


@dataclass(frozen=True, slots=True)
class InboxItem:
    """An event for the executor, in the order it was posted."""

    seq: int
    execution_id: str
    payload: bytes


@dataclass(frozen=True, slots=True)
class WorkerRecord:
    """A worker process, as its heartbeats describe it."""

    worker_id: str
    hostname: str
    pid: int
    threads: int
    started_at: datetime
    heartbeat_at: datetime


class WorkQueue(Protocol):
    """Jobs, the executor's inbox and the workers' heartbeats."""

    def enqueue(self, jobs: Sequence[Job]) -> None:
        """Hand jobs over (replacing those of the same task runs)."""
        ...

    def claim(
        self,
        worker_id: str,
        limit: int,
        *,
        now: datetime,
        lease: timedelta,
        skip: Collection[str] = (),
    ) -> list[Job]:
        """Take up to ``limit`` unclaimed jobs, oldest first, leased until ``now + lease``;
        never those of the task runs in ``skip`` (jobs this worker gave back). An idle poll
        (no job waiting) writes nothing."""
        ...

    def give_back(self, worker_id: str, task_run_id: str) -> bool:
        """Return a claimed job to the queue unchanged, for another worker to claim; False
        when the worker no longer holds it."""
        ...

    def renew(self, worker: WorkerRecord, *, lease: timedelta) -> list[Job]:
        """Record the worker's heartbeat and extend the leases of its jobs; those jobs (with
        their kill flags), without payloads."""
        ...

    def complete(
        self, worker_id: str, task_run_id: str, answer: bytes, *, now: datetime
    ) -> int | None:
        """Delete the worker's job and post ``answer`` to the inbox, in one transaction.

        Returns the answer's sequence number in the inbox; None, posting nothing, when the
        worker no longer holds the job (its lease expired and the executor took it back).
        """
        ...

    def kill(self, task_run_ids: Sequence[str]) -> None:
        """Drop the unclaimed jobs of these runs; flag the claimed ones for their workers."""
        ...

    def expired(self, now: datetime) -> list[Job]:
        """Delete and return the claimed jobs whose lease ended before ``now``."""
        ...

    def any_waiting(self, skip: Collection[str] = ()) -> bool:
        """Whether some job, not of the task runs in ``skip``, waits for a worker: a read,
        cheaper than trying to claim."""
        ...

    def pending_runs(self) -> set[str]:
        """The task runs that have a job, claimed or not."""
        ...

    def post(self, execution_id: str, payload: bytes, *, now: datetime) -> None:
        """Post an event for the executor."""
        ...

    def take(self, after: int, limit: int) -> list[InboxItem]:
        """Inbox items after sequence number ``after``, in order."""
        ...

    def ack(self, seqs: Sequence[int]) -> None:
        """Delete inbox items the executor has applied."""
        ...

    def read_inbox(
        self, acked: Sequence[int], skip: Collection[int], limit: int
    ) -> list[InboxItem]:
        """Delete the items ``acked`` (applied by the executor), then return up to ``limit``
        items in order, none of those in ``skip`` (handed to the executor already)."""
        ...

    def workers(self) -> list[WorkerRecord]:
        """Every worker that has sent a heartbeat, newest heartbeat first."""
        ...

    def take_back(self, worker_id: str) -> list[Job]:
        """Delete and return the jobs of a worker known to be dead, and its record."""
        ...

    def forget_workers(self, before: datetime) -> int:
        """Delete the records of workers silent since before ``before``."""
        ...

    def counts(self) -> tuple[int, int]:
        """Jobs waiting for a worker, and jobs held by one."""
        ...

    def hold(self, name: str, holder: str, *, now: datetime, lease: timedelta) -> bool:
        """Take or renew the lease ``name`` for ``holder`` until ``now + lease``; False when
        another holder's lease has not expired."""
        ...

    def holder(self, name: str) -> str | None:
        """Who holds (or last held) the lease ``name``."""
        ...

    def release(self, name: str, holder: str) -> None:
        """Give the lease ``name`` up, if ``holder`` has it."""
        ...
