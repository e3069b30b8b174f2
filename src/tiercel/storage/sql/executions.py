"""Executions and task runs on a ``Database``: one row each, the record kept as JSON."""

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import delete, func, insert, select

from tiercel.model.execution import Execution, TaskRun
from tiercel.storage.sql import dialects, schema
from tiercel.storage.sql.database import Database
from tiercel.storage.sql.schema import executions, task_runs


class SqlExecutionStore:
    """The ``ExecutionStore`` port on a ``Database``."""

    def __init__(self, db: Database) -> None:
        """Store executions in ``db``.

        Args:
            db: An open, migrated database.
        """
        self._db = db
        statement = dialects.insert(db.dialect, task_runs)
        # A task run seen again replaces its state and document and keeps its place (seq).
        self._upsert = statement.on_conflict_do_update(
            index_elements=[task_runs.c.id],
            set_={
                "state": statement.excluded.state,
                "document": statement.excluded.document,
            },
        )

    def save(
        self, execution: Execution | None, runs: Iterable[TaskRun], removed: Iterable[str] = ()
    ) -> None:
        """Store what one transition changed, in one transaction: the execution record when
        given, each changed task run (new ones are appended in creation order) and the
        removal of the ``removed`` task runs."""
        changed = list(runs)
        dropped = list(removed)
        with self._db.write() as conn:
            if dropped:
                conn.execute(delete(task_runs).where(task_runs.c.id.in_(dropped)))
            if execution is not None:
                now = execution.state.histories[-1].date
                document = execution.model_dump_json(by_alias=True)
                updated = conn.execute(
                    executions.update()
                    .where(executions.c.id == execution.id)
                    .values(state=execution.state.current.value, updated_at=now, document=document)
                )
                if updated.rowcount == 0:
                    conn.execute(
                        insert(executions).values(
                            id=execution.id,
                            namespace=execution.namespace,
                            flow_id=execution.flow_id,
                            state=execution.state.current.value,
                            created_at=execution.state.start_date,
                            updated_at=now,
                            document=document,
                        )
                    )
            if not changed:
                return
            rows = [
                {
                    "id": run.id,
                    "execution_id": run.execution_id,
                    "task_id": run.task_id,
                    "state": run.state.current.value,
                    "document": run.model_dump_json(by_alias=True),
                }
                for run in changed
            ]
            conn.execute(self._upsert, rows)

    def load(self, execution_id: str) -> tuple[Execution, list[TaskRun]] | None:
        """An execution and its task runs in creation order, or None if it is unknown."""
        with self._db.read() as conn:
            document = conn.execute(
                select(executions.c.document).where(executions.c.id == execution_id)
            ).scalar_one_or_none()
            if document is None:
                return None
            runs = conn.execute(
                select(task_runs.c.document)
                .where(task_runs.c.execution_id == execution_id)
                .order_by(task_runs.c.seq)
            ).scalars()
            loaded = [TaskRun.model_validate_json(text) for text in runs]
        return Execution.model_validate_json(document), loaded

    def find(
        self,
        *,
        namespace: str | None = None,
        flow_id: str | None = None,
        states: Iterable[str] | None = None,
        created_after: datetime | None = None,
        created_before: datetime | None = None,
        namespace_prefix: bool = False,
    ) -> list[str]:
        """Ids of the executions matching every given filter, oldest first.

        With ``namespace_prefix``, ``namespace`` also matches its child namespaces.
        """
        query = select(executions.c.id).order_by(executions.c.created_at)
        if namespace is not None:
            exact = executions.c.namespace == namespace
            if namespace_prefix:
                child = func.substr(executions.c.namespace, 1, len(namespace) + 1)
                exact = exact | (child == namespace + ".")
            query = query.where(exact)
        if flow_id is not None:
            query = query.where(executions.c.flow_id == flow_id)
        if states is not None:
            query = query.where(executions.c.state.in_(list(states)))
        if created_after is not None:
            query = query.where(executions.c.created_at >= created_after)
        if created_before is not None:
            query = query.where(executions.c.created_at < created_before)
        with self._db.read() as conn:
            return list(conn.execute(query).scalars())

    def delete(self, execution_ids: Iterable[str]) -> int:
        """Delete executions with their task runs; return how many executions were deleted."""
        ids = list(execution_ids)
        if not ids:
            return 0
        with self._db.write() as conn:
            conn.execute(delete(task_runs).where(task_runs.c.execution_id.in_(ids)))
            return conn.execute(delete(executions).where(executions.c.id.in_(ids))).rowcount

    def count_by_state(self, *, task_runs: bool = False) -> dict[str, int]:
        """How many executions (or task runs) are in each state; see the port."""
        table = schema.task_runs if task_runs else schema.executions
        # One grouped scan of the indexed state column: cheap enough to run at each scrape.
        query = select(table.c.state, func.count()).group_by(table.c.state)
        with self._db.read() as conn:
            return {str(state): int(count) for state, count in conn.execute(query).all()}
