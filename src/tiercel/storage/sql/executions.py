"""Executions and task runs on a ``Database``: one row each, the record kept as JSON."""

from collections.abc import Collection, Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, bindparam, case, delete, func, select, type_coerce

from tiercel.model.execution import Execution, TaskRun
from tiercel.model.state import State
from tiercel.storage.paging import ExecutionFilter, Page, Sort, check_page
from tiercel.storage.ports import Transition
from tiercel.storage.sql import dialects, schema
from tiercel.storage.sql.database import Database
from tiercel.storage.sql.documents import parse_all
from tiercel.storage.sql.execution_search import (
    DEFAULT_SORT,
    SORTS,
    execution_conditions,
    label_frequencies,
)
from tiercel.storage.sql.execution_stats import daily_statistics, matching_ids
from tiercel.storage.sql.notify import JOBS, notify_sql
from tiercel.storage.sql.prepared import Prepared
from tiercel.storage.sql.run_states import run_states, runs_by_id
from tiercel.storage.sql.schema import execution_labels, executions, task_runs, to_micros
from tiercel.storage.sql.search import clean, order_by, page_keys, reads_in_order
from tiercel.storage.sql.work import JOB_COLUMNS, job_row, job_upsert
from tiercel.storage.stats import GroupBy, StatisticsBucket
from tiercel.storage.work import Job


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
        self._insert_label = dialects.insert(db.dialect, execution_labels).on_conflict_do_nothing()
        statement = dialects.insert(db.dialect, task_runs)
        # A task run seen again replaces its state and document and keeps its place (seq).
        self._upsert = statement.on_conflict_do_update(
            index_elements=[task_runs.c.id],
            set_={
                "state": statement.excluded.state,
                "document": statement.excluded.document,
            },
        )
        engine = db.engine
        self._put_execution = Prepared(engine, self._upsert_execution, _EXECUTION_COLUMNS)
        self._put_run = Prepared(engine, self._upsert, _RUN_COLUMNS)
        self._drop_run = Prepared(
            engine, delete(task_runs).where(task_runs.c.id == bindparam("id"))
        )
        self._labels_of = Prepared(
            engine,
            select(execution_labels.c.key, execution_labels.c.value).where(
                execution_labels.c.execution_id == bindparam("execution_id")
            ),
        )
        self._drop_labels = Prepared(
            engine,
            delete(execution_labels).where(
                execution_labels.c.execution_id == bindparam("execution_id")
            ),
        )
        self._put_label = Prepared(engine, self._insert_label, ("execution_id", "key", "value"))
        self._put_job = Prepared(engine, job_upsert(db.dialect), JOB_COLUMNS)

    def save(
        self, execution: Execution | None, runs: Iterable[TaskRun], removed: Iterable[str] = ()
    ) -> None:
        """Store what one transition changed, in one transaction: the execution record when
        given, each changed task run (new ones are appended in creation order) and the
        removal of the ``removed`` task runs."""
        self.save_all([Transition(execution, list(runs), list(removed))])

    def save_all(self, transitions: Sequence[Transition], jobs: Sequence[Job] = ()) -> None:
        """Store several transitions in one transaction, as if saved in turn: each execution
        and task run is written once, as the last transition left it, in one statement per
        table; ``jobs`` are handed to workers in that transaction. An execution's labels are
        looked at only when one of its transitions may have changed them."""
        changed_executions: dict[str, Execution] = {}
        relabelled: set[str] = set()
        fresh: set[str] = set()  # never stored: their labels need no lookup
        changed: dict[str, TaskRun] = {}  # a task run keeps the place it was first seen at
        dropped: dict[str, None] = {}
        for transition in transitions:
            for run_id in transition.removed:
                changed.pop(run_id, None)
                dropped[run_id] = None
            if transition.execution is not None:
                changed_executions[transition.execution.id] = transition.execution
                if transition.new:
                    fresh.add(transition.execution.id)
                elif transition.labels_changed:
                    relabelled.add(transition.execution.id)
            for run in transition.runs:
                dropped.pop(run.id, None)
                changed[run.id] = run
        if not (changed_executions or changed or dropped or jobs):
            return
        # Prepared statements on the driver's cursor: this runs once per engine step.
        with self._db.write_cursor() as cursor:
            self._drop_run.run(cursor, [{"id": run_id} for run_id in dropped])
            self._put_execution.run(
                cursor, [_execution_row(e) for e in changed_executions.values()]
            )
            for execution_id in relabelled - fresh:
                self._put_labels(cursor, changed_executions[execution_id])
            self._put_label.run(
                cursor,
                [
                    {
                        "execution_id": execution_id,
                        "key": clean(label.key),
                        "value": clean(label.value),
                    }
                    for execution_id in fresh
                    for label in changed_executions[execution_id].labels
                ],
            )
            self._put_run.run(cursor, [_run_row(run) for run in changed.values()])
            self._put_job.run(cursor, [job_row(job, to_micros) for job in jobs])
            unclaimed = any(job.worker_id is None for job in jobs)
            if unclaimed and self._db.dialect == "postgresql":
                cursor.execute(notify_sql(JOBS))  # workers elsewhere wake at the commit

    def _put_labels(self, cursor: Any, execution: Execution) -> None:
        """Make the labels table say what ``execution`` carries: its labels change seldom, so
        an unchanged set costs a lookup and writes nothing."""
        carried = {(clean(label.key), clean(label.value)) for label in execution.labels}
        key = {"execution_id": execution.id}
        if set(self._labels_of.rows(cursor, key)) == carried:
            return
        self._drop_labels.run(cursor, [key])
        self._put_label.run(
            cursor, [{"execution_id": execution.id, "key": k, "value": v} for k, v in carried]
        )

    def load(self, execution_id: str) -> tuple[Execution, list[TaskRun]] | None:
        """An execution and its task runs in creation order, or None if it is unknown."""
        stored = self._documents(execution_id)
        if stored is None:
            return None
        document, documents = stored
        return Execution.model_validate_json(document), parse_all(TaskRun, documents)

    def load_documents(self, execution_id: str) -> tuple[Execution, list[str]] | None:
        """An execution and its task runs' JSON text in creation order; see the port."""
        stored = self._documents(execution_id)
        if stored is None:
            return None
        document, documents = stored
        return Execution.model_validate_json(document), documents

    def _documents(self, execution_id: str) -> tuple[str, list[str]] | None:
        """The execution's document and its task runs' in creation order: two queries, one
        per table, in one read transaction."""
        with self._db.read() as conn:
            document = conn.execute(
                select(executions.c.document).where(executions.c.id == execution_id)
            ).scalar_one_or_none()
            if document is None:
                return None
            documents = list(
                conn.execute(
                    select(task_runs.c.document)
                    .where(task_runs.c.execution_id == execution_id)
                    .order_by(task_runs.c.seq)
                ).scalars()
            )
        return document, documents

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
        wanted = ExecutionFilter(
            namespace=namespace,
            namespace_prefix=namespace_prefix,
            flow_id=flow_id,
            states=None if states is None else list(states),
            start=created_after,
            end=created_before,
            labels=tuple(labels or ()),
            playground=None,
        )
        query = (
            select(executions.c.id)
            .where(*execution_conditions(self._db.dialect, wanted))
            # The id breaks ties, so that the order is the same on every database.
            .order_by(executions.c.created_at, executions.c.id)
        )
        with self._db.read() as conn:
            return list(conn.execute(query).scalars())

    def search(
        self, where: ExecutionFilter, page: int, size: int, sort: Sequence[Sort] = ()
    ) -> Page[Execution]:
        """A page of the executions matching ``where``, newest first unless ``sort`` says
        otherwise; without their task runs (``task_runs`` reads those of a page at once)."""
        offset = check_page(page, size)
        order = order_by(sort, SORTS, DEFAULT_SORT, [executions.c.id])
        with self._db.read() as conn:
            common = label_frequencies(conn, where.labels)
            in_order = reads_in_order(self._db.dialect, sort, DEFAULT_SORT, "state.startDate")
            conditions = execution_conditions(self._db.dialect, where, common, in_order=in_order)
            matching = select(executions.c.id).where(*conditions)
            keys, total, exact = page_keys(conn, matching, order, offset, size)
            ids = [key.id for key in keys]
            found = conn.execute(
                select(executions.c.id, executions.c.document).where(executions.c.id.in_(ids))
            ).all()
        by_id = {row.id: row.document for row in found}
        documents = [by_id[execution_id] for execution_id in ids if execution_id in by_id]
        return Page(parse_all(Execution, documents), total, exact)

    def statistics(
        self, where: ExecutionFilter, start: datetime, end: datetime, group: GroupBy
    ) -> list[StatisticsBucket]:
        """Executions per bucket of time and state; see the port."""
        return daily_statistics(self._db, where, start, end, group)

    def run_states(self, execution_id: str) -> list[tuple[str, str]]:
        """Each task run's id and state, without its document; see the port."""
        return run_states(self._db, execution_id)

    def runs(self, run_ids: Collection[str]) -> list[TaskRun]:
        """The task runs with these ids; see the port."""
        return runs_by_id(self._db, run_ids)

    def ids(self, where: ExecutionFilter, limit: int) -> list[str]:
        """At most ``limit`` ids of executions matching ``where``; see the port."""
        return matching_ids(self._db, where, limit)

    def task_runs(self, execution_ids: Collection[str]) -> dict[str, list[TaskRun]]:
        """The task runs of each of these executions in creation order (one query); an id
        with none (or unknown) maps to an empty list."""
        found: dict[str, list[TaskRun]] = {execution_id: [] for execution_id in execution_ids}
        if not found:
            return found
        query = (
            select(task_runs.c.execution_id, task_runs.c.document)
            .where(task_runs.c.execution_id.in_(list(found)))
            .order_by(task_runs.c.seq)
        )
        with self._db.read() as conn:
            rows = conn.execute(query).all()
        for run in parse_all(TaskRun, [document for _, document in rows]):
            found[run.execution_id].append(run)
        return found

    def delete(self, execution_ids: Iterable[str]) -> int:
        """Delete executions with their task runs; return how many executions were deleted."""
        ids = list(execution_ids)
        if not ids:
            return 0
        with self._db.write() as conn:
            conn.execute(delete(task_runs).where(task_runs.c.execution_id.in_(ids)))
            conn.execute(delete(execution_labels).where(execution_labels.c.execution_id.in_(ids)))
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


_EXECUTION_COLUMNS = ("id", "namespace", "flow_id", "state", "created_at", "updated_at", "document")
_RUN_COLUMNS = ("id", "execution_id", "task_id", "state", "document")


def _execution_row(execution: Execution) -> dict[str, object]:
    return {
        "id": execution.id,
        "namespace": execution.namespace,
        "flow_id": execution.flow_id,
        "state": execution.state.current.value,
        "created_at": to_micros(execution.state.start_date),
        "updated_at": to_micros(execution.state.histories[-1].date),
        "document": execution.model_dump_json(by_alias=True),
    }


def _run_row(run: TaskRun) -> dict[str, object]:
    return {
        "id": run.id,
        "execution_id": run.execution_id,
        "task_id": run.task_id,
        "state": run.state.current.value,
        "document": run.model_dump_json(by_alias=True),
    }
