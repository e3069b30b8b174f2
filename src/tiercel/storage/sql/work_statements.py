"""The work queue's busiest statements on PostgreSQL, compiled once and run on the driver's
cursor (``prepared``): a worker's claim and answer and the executor's inbox read, each one
transaction in one round trip (``round_trip``), where SQLAlchemy's constructs took a round
trip per statement (``BEGIN``, each statement, ``COMMIT``) and were rebuilt every time.

SQLite keeps ``SqlWorkQueue``'s portable statements: it has no data-modifying ``WITH``, no
arrays, and a write transaction there takes the database's lock.
"""

from collections.abc import Collection, Mapping, Sequence
from datetime import datetime, timedelta

from sqlalchemy import bindparam, select, text, update

from tiercel.storage.sql.database import Database
from tiercel.storage.sql.notify import INBOX, notify_sql
from tiercel.storage.sql.prepared import Prepared
from tiercel.storage.sql.round_trip import in_one_trip
from tiercel.storage.sql.schema import from_micros, to_micros, worker_jobs
from tiercel.storage.work import InboxItem, Job

_OLDEST = (
    select(worker_jobs.c.task_run_id)
    .where(worker_jobs.c.worker_id.is_(None))
    .order_by(worker_jobs.c.created_at)
    .limit(bindparam("limit"))
    .with_for_update(skip_locked=True)
)

_CLAIM = (
    update(worker_jobs)
    .where(
        worker_jobs.c.task_run_id.in_(_OLDEST.scalar_subquery()),
        worker_jobs.c.worker_id.is_(None),
    )
    .values(worker_id=bindparam("claimer"), lease_until=bindparam("until"))
    .returning(
        worker_jobs.c.task_run_id,
        worker_jobs.c.execution_id,
        worker_jobs.c.payload,
        worker_jobs.c.created_at,
        worker_jobs.c.kill,
    )
)
"""Take the oldest unclaimed jobs: the rows other workers are claiming are skipped, not
waited for. When none waits it writes nothing, so an idle poll needs no read before it."""

_COMPLETE = text(
    "WITH held AS (DELETE FROM worker_jobs WHERE task_run_id = :run AND worker_id = :claimer "
    "RETURNING execution_id) "
    "INSERT INTO executor_inbox (execution_id, payload, created_at) "
    "SELECT execution_id, :payload, :at FROM held RETURNING seq"
)
"""Delete the worker's job and post its answer in one statement: nothing is posted when the
worker no longer holds the job."""

_ACK = text("DELETE FROM executor_inbox WHERE seq = ANY(CAST(:seqs AS BIGINT[]))")

_FRESH = text(
    "SELECT seq, execution_id, payload FROM executor_inbox "
    "WHERE seq <> ALL(CAST(:skip AS BIGINT[])) ORDER BY seq LIMIT :limit"
)
"""The inbox items not yet handed to the loop: those handed over stay in the table until
applied, and are left out here rather than sent again at every read."""


class PreparedWork:
    """Claiming, answering and reading the inbox on a PostgreSQL ``Database``."""

    def __init__(self, db: Database) -> None:
        self._engine = engine = db.engine
        self._claim = Prepared(engine, _CLAIM)
        self._complete = Prepared(engine, _COMPLETE)
        self._ack = Prepared(engine, _ACK)
        self._fresh = Prepared(engine, _FRESH)

    def claim(self, worker_id: str, limit: int, *, now: datetime, lease: timedelta) -> list[Job]:
        """As ``SqlWorkQueue.claim`` without jobs to skip."""
        values = {"claimer": worker_id, "until": to_micros(now + lease), "limit": limit}
        rows = in_one_trip(self._engine, [(self._claim, values)], rows_of=0)
        jobs = [
            Job(run_id, execution_id, bytes(payload), from_micros(created), worker_id, kill)
            for run_id, execution_id, payload, created, kill in rows
        ]
        return sorted(jobs, key=lambda job: job.created_at)

    def complete(
        self, worker_id: str, task_run_id: str, answer: bytes, *, now: datetime
    ) -> int | None:
        """As ``SqlWorkQueue.complete``."""
        values = {"run": task_run_id, "claimer": worker_id, "payload": answer, "at": to_micros(now)}
        # The executor, wherever it runs, wakes at the commit; a rare answer not posted (the
        # job was taken back) wakes it for nothing, which costs less than a second trip.
        statements: list[tuple[Prepared | str, Mapping[str, object]]] = [
            (self._complete, values),
            (notify_sql(INBOX), {}),
        ]
        posted = in_one_trip(self._engine, statements, rows_of=0)
        return int(posted[0][0]) if posted else None

    def read_inbox(
        self, acked: Sequence[int], skip: Collection[int], limit: int
    ) -> list[InboxItem]:
        """As ``SqlWorkQueue.read_inbox``: the deletion and the read in one transaction."""
        statements: list[tuple[Prepared | str, Mapping[str, object]]] = [
            (self._fresh, {"skip": list(skip), "limit": limit})
        ]
        if acked:
            statements.insert(0, (self._ack, {"seqs": list(acked)}))
        rows = in_one_trip(self._engine, statements, rows_of=len(statements) - 1)
        return [InboxItem(seq, execution_id, bytes(payload)) for seq, execution_id, payload in rows]
