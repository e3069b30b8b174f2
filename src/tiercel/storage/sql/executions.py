"""Executions and task runs on a ``Database``: one row each, the record kept as JSON."""

from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import BigInteger, case, delete, func, select, type_coerce

from tiercel.model.execution import Execution, TaskRun
from tiercel.model.labels import Label
from tiercel.model.state import State
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
        saved = dialects.insert(db.dialect, executions)
        # One statement, so that two first saves of an execution cannot both insert it.
        self._upsert_execution = saved.on_conflict_do_update(
            index_elements=[executions.c.id],
            set_={
                "state": saved.excluded.state,
                "updated_at": saved.excluded.updated_at,
                "document": saved.excluded.document,
            },
        )
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
                row = {
                    "id": execution.id,
                    "namespace": execution.namespace,
                    "flow_id": execution.flow_id,
                    "state": execution.state.current.value,
                    "created_at": execution.state.start_date,
                    "updated_at": now,
                    "document": document,
                }
                conn.execute(self._upsert_execution, row)
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

    def get(self, execution_id: str) -> Execution | None:
        """An execution without its task runs (one row), or None when unknown."""
        with self._db.read() as conn:
            document = conn.execute(
                select(executions.c.document).where(executions.c.id == execution_id)
            ).scalar_one_or_none()
        return None if document is None else Execution.model_validate_json(document)

    def find(
        self,
        *,
        namespace: str | None = None,
        flow_id: str | None = None,
        states: Iterable[str] | None = None,
        created_after: datetime | None = None,
        created_before: datetime | None = None,
        namespace_prefix: bool = False,
        labels: Iterable[tuple[str, str]] | None = None,
    ) -> list[str]:
        """Ids of the executions matching every given filter, oldest first.

        With ``namespace_prefix``, ``namespace`` also matches its child namespaces. With
        ``labels``, only the executions carrying each of these (key, value) labels match.
        """
        wanted = [Label(key=key, value=value) for key, value in labels or ()]
        columns = [executions.c.id, executions.c.document] if wanted else [executions.c.id]
        query = select(*columns).order_by(
            # The id breaks ties, so that the order is the same on every database.
            executions.c.created_at,
            dialects.code_point_order(self._db.dialect, executions.c.id),
        )
        if namespace is not None:
            exact = executions.c.namespace == namespace
            if namespace_prefix:
                exact = exact | dialects.starts_with(executions.c.namespace, namespace + ".")
            query = query.where(exact)
        if flow_id is not None:
            query = query.where(executions.c.flow_id == flow_id)
        if states is not None:
            query = query.where(executions.c.state.in_(list(states)))
        if created_after is not None:
            query = query.where(executions.c.created_at >= created_after)
        if created_before is not None:
            query = query.where(executions.c.created_at < created_before)
        for label in wanted:
            # Labels live in the JSON document: a LIKE on the label as the document spells it
            # narrows the rows in the database (loosely: SQLite's LIKE ignores case), and the
            # parsed document has the last word.
            fragment = "%" + _escape_like(label.model_dump_json(by_alias=True)) + "%"
            query = query.where(executions.c.document.like(fragment, escape="\\"))
        if wanted:
            with self._db.read() as conn:
                rows = conn.execute(query).all()
            return [row.id for row in rows if _has_labels(row.document, wanted)]
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

    def durations(self, bounds: Sequence[float]) -> tuple[list[int], int, float]:
        """The durations of ended executions; see the port."""
        ended = [state.value for state in State if state.is_terminated]
        micros = type_coerce(executions.c.updated_at, BigInteger) - type_coerce(
            executions.c.created_at, BigInteger
        )
        # One scan, every bucket an aggregate of it.
        query = select(
            *(func.sum(case((micros <= round(bound * 1e6), 1), else_=0)) for bound in bounds),
            func.count(),
            func.sum(micros),
        ).where(executions.c.state.in_(ended))
        with self._db.read() as conn:
            row = conn.execute(query).one()
        counts = [int(value or 0) for value in row[: len(bounds)]]
        return counts, int(row[len(bounds)] or 0), float(row[len(bounds) + 1] or 0) / 1e6


def _escape_like(text: str) -> str:
    """``text`` matched literally by LIKE: its wildcards and the escape character escaped."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _has_labels(document: str, wanted: list[Label]) -> bool:
    carried = {(label.key, label.value) for label in Execution.model_validate_json(document).labels}
    return all((label.key, label.value) in carried for label in wanted)
