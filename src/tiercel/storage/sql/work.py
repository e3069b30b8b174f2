"""``SqlWorkQueue``: jobs, the executor's inbox and worker heartbeats on a ``Database``.

Claiming is one ``UPDATE ... WHERE task_run_id IN (SELECT ... FOR UPDATE SKIP LOCKED)``: on
PostgreSQL, workers on many machines claim different jobs without waiting on each other; on
SQLite the write transaction is serialised anyway and the locking clause is left out.
"""

from collections.abc import Callable, Collection, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Row,
    delete,
    false,
    func,
    insert,
    select,
    update,
)

from tiercel.storage.sql import dialects
from tiercel.storage.sql.database import Database
from tiercel.storage.sql.notify import INBOX, JOBS, Listener, OwnSessions, notify_sql
from tiercel.storage.sql.schema import executor_inbox, leases, worker_jobs, workers
from tiercel.storage.sql.work_statements import PreparedWork
from tiercel.storage.work import InboxItem, Job, WorkerRecord

_CHUNK = 500
"""Ids per ``IN`` list: far below every database's limit on bound parameters."""


class SqlWorkQueue:
    """The ``WorkQueue`` port on a ``Database``."""

    def __init__(self, db: Database) -> None:
        """Share work through ``db``.

        Args:
            db: An open, migrated database.
        """
        self._db = db
        self._enqueue = job_upsert(db.dialect)
        self._notifies = db.dialect == "postgresql"
        self._prepared = PreparedWork(db) if self._notifies else None
        """The busiest statements, compiled once for the driver (PostgreSQL only)."""
        self._own = OwnSessions(db.engine) if self._notifies else None
        heartbeat = dialects.insert(db.dialect, workers)
        self._heartbeat = heartbeat.on_conflict_do_update(
            index_elements=[workers.c.worker_id],
            set_={"heartbeat_at": heartbeat.excluded.heartbeat_at},
        )

    @property
    def notifies(self) -> bool:
        """Whether writers tell other processes' readers at once (PostgreSQL's NOTIFY)."""
        return self._notifies

    # --- jobs -------------------------------------------------------------------------------

    def enqueue(self, jobs: Sequence[Job]) -> None:
        """Hand jobs over (replacing those of the same task runs)."""
        if not jobs:
            return
        rows = [job_row(job, _as_is) for job in jobs]
        with self._db.write() as conn:
            conn.execute(self._enqueue, rows)
            if any(job.worker_id is None for job in jobs):
                self._notify(conn, JOBS)

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
        never those of the task runs in ``skip`` (jobs this worker gave back).

        An idle poll writes nothing: on SQLite a read looks first (a write transaction there
        takes the database's lock); on PostgreSQL a claim that finds nothing writes nothing.
        """
        if self._prepared is not None and not skip:
            return self._prepared.claim(worker_id, limit, now=now, lease=lease)
        if self._prepared is None and not self.any_waiting(skip):
            return []
        oldest = (
            select(worker_jobs.c.task_run_id)
            .where(*_waiting(skip))
            .order_by(worker_jobs.c.created_at)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        statement = (
            update(worker_jobs)
            .where(
                worker_jobs.c.task_run_id.in_(oldest.scalar_subquery()),
                worker_jobs.c.worker_id.is_(None),
            )
            .values(worker_id=worker_id, lease_until=now + lease)
            .returning(*worker_jobs.c)
        )
        with self._db.write() as conn:
            rows = conn.execute(statement).all()
        return sorted((_job(row) for row in rows), key=lambda job: job.created_at)

    def give_back(self, worker_id: str, task_run_id: str) -> bool:
        """Return a claimed job to the queue unchanged, for another worker to claim; False
        when the worker no longer holds it."""
        statement = (
            update(worker_jobs)
            .where(worker_jobs.c.task_run_id == task_run_id, worker_jobs.c.worker_id == worker_id)
            .values(worker_id=None, lease_until=None)
        )
        with self._db.write() as conn:
            given = bool(conn.execute(statement).rowcount)
            if given:
                self._notify(conn, JOBS)
            return given

    def renew(self, worker: WorkerRecord, *, lease: timedelta) -> list[Job]:
        """Record the worker's heartbeat and extend the leases of its jobs; those jobs (with
        their kill flags), without payloads."""
        mine = worker_jobs.c.worker_id == worker.worker_id
        with self._db.write() as conn:
            conn.execute(
                self._heartbeat,
                [
                    {
                        "worker_id": worker.worker_id,
                        "hostname": worker.hostname,
                        "pid": worker.pid,
                        "threads": worker.threads,
                        "started_at": worker.started_at,
                        "heartbeat_at": worker.heartbeat_at,
                    }
                ],
            )
            conn.execute(
                update(worker_jobs).where(mine).values(lease_until=worker.heartbeat_at + lease)
            )
            rows = conn.execute(
                select(
                    worker_jobs.c.task_run_id,
                    worker_jobs.c.execution_id,
                    worker_jobs.c.created_at,
                    worker_jobs.c.worker_id,
                    worker_jobs.c.kill,
                ).where(mine)
            ).all()
        return [
            Job(row.task_run_id, row.execution_id, b"", row.created_at, row.worker_id, row.kill)
            for row in rows
        ]

    def complete(
        self, worker_id: str, task_run_id: str, answer: bytes, *, now: datetime
    ) -> int | None:
        """Delete the worker's job and post ``answer`` to the inbox, in one transaction.

        Returns the answer's sequence number in the inbox; None, posting nothing, when the
        worker no longer holds the job (its lease expired and the executor took it back).
        """
        if self._prepared is not None:
            return self._prepared.complete(worker_id, task_run_id, answer, now=now)
        with self._db.write() as conn:
            held = conn.execute(
                delete(worker_jobs)
                .where(
                    worker_jobs.c.task_run_id == task_run_id,
                    worker_jobs.c.worker_id == worker_id,
                )
                .returning(worker_jobs.c.execution_id)
            ).first()
            if held is None:
                return None
            seq = conn.execute(
                insert(executor_inbox)
                .values(execution_id=held.execution_id, payload=answer, created_at=now)
                .returning(executor_inbox.c.seq)
            ).scalar_one()
            self._notify(conn, INBOX)
        return int(seq)

    def kill(self, task_run_ids: Sequence[str]) -> None:
        """Drop the unclaimed jobs of these runs; flag the claimed ones for their workers."""
        with self._db.write() as conn:
            for start in range(0, len(task_run_ids), _CHUNK):
                chunk = list(task_run_ids[start : start + _CHUNK])
                wanted = worker_jobs.c.task_run_id.in_(chunk)
                conn.execute(delete(worker_jobs).where(wanted, worker_jobs.c.worker_id.is_(None)))
                conn.execute(update(worker_jobs).where(wanted).values(kill=True))

    def expired(self, now: datetime) -> list[Job]:
        """Delete and return the claimed jobs whose lease ended before ``now``."""
        statement = (
            delete(worker_jobs)
            .where(worker_jobs.c.worker_id.is_not(None), worker_jobs.c.lease_until < now)
            .returning(*worker_jobs.c)
        )
        with self._db.write() as conn:
            return [_job(row) for row in conn.execute(statement)]

    def any_waiting(self, skip: Collection[str] = ()) -> bool:
        """Whether some job, not of the task runs in ``skip``, waits for a worker: a read,
        cheaper than trying to claim."""
        query = select(worker_jobs.c.task_run_id).where(*_waiting(skip))
        with self._db.read() as conn:
            return conn.execute(query.limit(1)).first() is not None

    def pending_runs(self) -> set[str]:
        """The task runs that have a job, claimed or not."""
        with self._db.read() as conn:
            return set(conn.execute(select(worker_jobs.c.task_run_id)).scalars())

    def counts(self) -> tuple[int, int]:
        """Jobs waiting for a worker, and jobs held by one."""
        claimed = worker_jobs.c.worker_id.is_not(None)
        query = select(claimed.label("claimed"), func.count()).group_by(claimed)
        with self._db.read() as conn:
            found = {bool(row[0]): int(row[1]) for row in conn.execute(query)}
        return found.get(False, 0), found.get(True, 0)

    # --- the executor's inbox ---------------------------------------------------------------

    def post(self, execution_id: str, payload: bytes, *, now: datetime) -> None:
        """Post an event for the executor."""
        with self._db.write() as conn:
            conn.execute(
                insert(executor_inbox).values(
                    execution_id=execution_id, payload=payload, created_at=now
                )
            )
            self._notify(conn, INBOX)

    def take(self, after: int, limit: int) -> list[InboxItem]:
        """Inbox items after sequence number ``after``, in order."""
        query = (
            select(executor_inbox.c.seq, executor_inbox.c.execution_id, executor_inbox.c.payload)
            .where(executor_inbox.c.seq > after)
            .order_by(executor_inbox.c.seq)
            .limit(limit)
        )
        with self._db.read() as conn:
            return [
                InboxItem(row.seq, row.execution_id, row.payload) for row in conn.execute(query)
            ]

    def ack(self, seqs: Sequence[int]) -> None:
        """Delete inbox items the executor has applied."""
        if not seqs:
            return
        with self._db.write() as conn:
            for start in range(0, len(seqs), _CHUNK):
                chunk = list(seqs[start : start + _CHUNK])
                conn.execute(delete(executor_inbox).where(executor_inbox.c.seq.in_(chunk)))

    def read_inbox(
        self, acked: Sequence[int], skip: Collection[int], limit: int
    ) -> list[InboxItem]:
        """Delete the items ``acked`` (applied by the executor), then return up to ``limit``
        items in order, none of those in ``skip`` (handed to the executor already)."""
        if self._prepared is not None:
            return self._prepared.read_inbox(acked, skip, limit)
        self.ack(acked)
        items = self.take(0, limit + len(skip))
        return [item for item in items if item.seq not in skip][:limit]

    # --- notifications ----------------------------------------------------------------------

    def listener(self, wakes: Mapping[str, Callable[[], None]]) -> Listener | None:
        """On PostgreSQL, a ``Listener`` calling ``wakes[channel]`` when another process writes
        to the inbox (``INBOX``) or the jobs (``JOBS``): this process's writers tell its
        readers themselves. None on SQLite (readers poll)."""
        if not self._notifies or not wakes:
            return None
        return Listener(self._db.engine, wakes, own=self._own)

    def _notify(self, conn: Connection, channel: str) -> None:
        """Notify ``channel`` at the commit of ``conn``'s transaction (PostgreSQL only)."""
        if self._notifies:
            conn.exec_driver_sql(notify_sql(channel))

    # --- workers ----------------------------------------------------------------------------

    def workers(self) -> list[WorkerRecord]:
        """Every worker that has sent a heartbeat, newest heartbeat first."""
        query = select(workers).order_by(workers.c.heartbeat_at.desc())
        with self._db.read() as conn:
            return [
                WorkerRecord(
                    row.worker_id,
                    row.hostname,
                    row.pid,
                    row.threads,
                    row.started_at,
                    row.heartbeat_at,
                )
                for row in conn.execute(query)
            ]

    def take_back(self, worker_id: str) -> list[Job]:
        """Delete and return the jobs of a worker known to be dead, and its record."""
        statement = (
            delete(worker_jobs)
            .where(worker_jobs.c.worker_id == worker_id)
            .returning(*worker_jobs.c)
        )
        with self._db.write() as conn:
            jobs = [_job(row) for row in conn.execute(statement)]
            conn.execute(delete(workers).where(workers.c.worker_id == worker_id))
        return jobs

    def forget_workers(self, before: datetime) -> int:
        """Delete the records of workers silent since before ``before``."""
        with self._db.write() as conn:
            return conn.execute(delete(workers).where(workers.c.heartbeat_at < before)).rowcount

    # --- leases ---------------------------------------------------------------------------

    def hold(self, name: str, holder: str, *, now: datetime, lease: timedelta) -> bool:
        """Take or renew the lease ``name`` for ``holder`` until ``now + lease``; False when
        another holder's lease has not expired."""
        with self._db.write() as conn:
            dialects.lock_key(conn, "lease", name)
            row = conn.execute(select(leases).where(leases.c.name == name)).first()
            if row is None:
                conn.execute(insert(leases).values(name=name, holder=holder, until=now + lease))
                return True
            if row.holder != holder and row.until >= now:
                return False
            conn.execute(
                update(leases).where(leases.c.name == name).values(holder=holder, until=now + lease)
            )
            return True

    def holder(self, name: str) -> str | None:
        """Who holds (or last held) the lease ``name``."""
        with self._db.read() as conn:
            found = conn.execute(select(leases.c.holder).where(leases.c.name == name)).first()
        return None if found is None else str(found.holder)

    def release(self, name: str, holder: str) -> None:
        """Give the lease ``name`` up, if ``holder`` has it."""
        with self._db.write() as conn:
            conn.execute(delete(leases).where(leases.c.name == name, leases.c.holder == holder))


def job_upsert(dialect: str) -> Any:
    """The statement that hands a job over, replacing the job of the same task run (a new
    attempt), unclaimed or claimed as the job says: ``SqlExecutionStore`` runs it in a step's
    transaction too."""
    statement = dialects.insert(dialect, worker_jobs)
    return statement.on_conflict_do_update(
        index_elements=[worker_jobs.c.task_run_id],
        set_={
            "execution_id": statement.excluded.execution_id,
            "payload": statement.excluded.payload,
            "worker_id": statement.excluded.worker_id,
            "lease_until": statement.excluded.lease_until,
            # Written in the SQL, not bound: a prepared statement binds only its row's values.
            "kill": false(),
            "created_at": statement.excluded.created_at,
        },
    )


JOB_COLUMNS = (
    "task_run_id",
    "execution_id",
    "payload",
    "worker_id",
    "lease_until",
    "kill",
    "created_at",
)
"""The columns ``job_row`` fills."""


def job_row(job: Job, when: Callable[[datetime], object]) -> dict[str, object]:
    """A job's row for ``job_upsert``, its times passed through ``when``: SQLAlchemy
    converts a datetime, a prepared statement needs microseconds."""
    return {
        "task_run_id": job.task_run_id,
        "execution_id": job.execution_id,
        "payload": job.payload,
        "worker_id": job.worker_id,
        "lease_until": None if job.lease_until is None else when(job.lease_until),
        "kill": False,
        "created_at": when(job.created_at),
    }


def _as_is(at: datetime) -> datetime:
    return at


def _waiting(skip: Collection[str]) -> list[ColumnElement[bool]]:
    """The conditions of a job waiting for a worker, not of the task runs in ``skip``."""
    conditions: list[ColumnElement[bool]] = [worker_jobs.c.worker_id.is_(None)]
    if skip:
        conditions.append(worker_jobs.c.task_run_id.not_in(list(skip)))
    return conditions


def _job(row: Row[Any]) -> Job:
    return Job(
        task_run_id=row.task_run_id,
        execution_id=row.execution_id,
        payload=bytes(row.payload),
        created_at=row.created_at,
        worker_id=row.worker_id,
        kill=bool(row.kill),
    )
