"""The states of an execution's task runs, read without their documents: what a follower
compares to know whether anything changed before it reads the whole execution again."""

from collections.abc import Collection

from sqlalchemy import select

from tiercel.model.execution import TaskRun
from tiercel.storage.sql.database import Database
from tiercel.storage.sql.documents import parse_all
from tiercel.storage.sql.schema import task_runs

_CHUNK = 10_000


def run_states(db: Database, execution_id: str) -> list[tuple[str, str]]:
    """``(task run id, state)`` of each task run of the execution, in creation order."""
    query = (
        select(task_runs.c.id, task_runs.c.state)
        .where(task_runs.c.execution_id == execution_id)
        .order_by(task_runs.c.seq)
    )
    with db.read() as conn:
        return [(str(run_id), str(state)) for run_id, state in conn.execute(query).all()]


def runs_by_id(db: Database, run_ids: Collection[str]) -> list[TaskRun]:
    """The task runs with these ids (unknown ids skipped), in creation order."""
    wanted = list(run_ids)
    found: list[str] = []
    with db.read() as conn:
        # In chunks: a statement's parameters are limited (SQLite: 32,766).
        for start in range(0, len(wanted), _CHUNK):
            query = (
                select(task_runs.c.seq, task_runs.c.document)
                .where(task_runs.c.id.in_(wanted[start : start + _CHUNK]))
                .order_by(task_runs.c.seq)
            )
            found.extend(document for _, document in sorted(conn.execute(query).all()))
    return parse_all(TaskRun, found)
