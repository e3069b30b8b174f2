"""The states of an execution's task runs, read without their documents: what a follower
compares to know whether anything changed before it reads the whole execution again."""

from sqlalchemy import select

from tiercel.storage.sql.database import Database
from tiercel.storage.sql.schema import task_runs


def run_states(db: Database, execution_id: str) -> list[tuple[str, str]]:
    """``(task run id, state)`` of each task run of the execution, in creation order."""
    query = (
        select(task_runs.c.id, task_runs.c.state)
        .where(task_runs.c.execution_id == execution_id)
        .order_by(task_runs.c.seq)
    )
    with db.read() as conn:
        return [(str(run_id), str(state)) for run_id, state in conn.execute(query).all()]
