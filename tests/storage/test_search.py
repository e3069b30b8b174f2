"""Paged searches on each SQL backend: every filter, Kestra's sorts, pages that neither overlap
nor skip, bounded totals, hostile input, and reads that do not grow with the task runs."""

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import event, text

from tests.storage.test_executions import execution as base_execution
from tests.storage.test_executions import task_run
from tiercel.model.execution import Execution
from tiercel.model.labels import Label
from tiercel.model.state import State
from tiercel.model.task import LogLevel
from tiercel.storage import (
    Database,
    ExecutionFilter,
    FlowFilter,
    InvalidSearchError,
    LogEntry,
    LogQuery,
    Sort,
    SqlExecutionStore,
    SqlFlowStore,
    SqlLogStore,
)
from tiercel.storage.sql import search as sql_search
from tiercel.storage.sql.migrations import MIGRATIONS
from tiercel.storage.sql.schema import executions

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def execution(
    execution_id: str,
    minute: int,
    *,
    namespace: str = "company.team",
    flow_id: str = "etl",
    state: State = State.SUCCESS,
    labels: dict[str, str] | None = None,
) -> Execution:
    return base_execution(state).model_copy(
        update={
            "id": execution_id,
            "namespace": namespace,
            "flow_id": flow_id,
            "state": base_execution(state).state.model_copy(
                update={
                    "histories": tuple(
                        h.model_copy(update={"date": h.date + timedelta(minutes=minute)})
                        for h in base_execution(state).state.histories
                    )
                }
            ),
            "labels": tuple(Label(key=k, value=v) for k, v in (labels or {}).items()),
        }
    )


@pytest.fixture
def store(database: Database) -> SqlExecutionStore:
    store = SqlExecutionStore(database)
    for n, (namespace, flow_id, state, labels) in enumerate(
        [
            ("company.team", "etl", State.SUCCESS, {"env": "prod"}),
            ("company.team.sub", "load", State.FAILED, {"env": "dev"}),
            ("company.teams", "etl", State.SUCCESS, {"env": "prod", "owner": "ada"}),
            ("company.team", "report", State.RUNNING, {}),
            ("other", "etl", State.FAILED, {"env": "prod"}),
        ]
    ):
        store.save(
            execution(f"e{n}", n, namespace=namespace, flow_id=flow_id, state=state, labels=labels),
            [],
        )
    return store


def ids(store: SqlExecutionStore, where: ExecutionFilter, sort: Sequence[Sort] = ()) -> list[str]:
    return [e.id for e in store.search(where, 1, 100, sort).results]


def test_execution_filters_newest_first(store: SqlExecutionStore) -> None:
    assert ids(store, ExecutionFilter()) == ["e4", "e3", "e2", "e1", "e0"]
    assert ids(store, ExecutionFilter(namespace="company.team")) == ["e3", "e1", "e0"]
    exact = ExecutionFilter(namespace="company.team", namespace_prefix=False)
    assert ids(store, exact) == ["e3", "e0"]
    assert ids(store, ExecutionFilter(flow_id="etl")) == ["e4", "e2", "e0"]
    assert ids(store, ExecutionFilter(states=["FAILED", "RUNNING"])) == ["e4", "e3", "e1"]
    window = ExecutionFilter(start=T0 + timedelta(minutes=1), end=T0 + timedelta(minutes=3))
    assert ids(store, window) == ["e2", "e1"]
    assert ids(store, ExecutionFilter(labels=(("env", "prod"),))) == ["e4", "e2", "e0"]
    both = ExecutionFilter(labels=(("env", "prod"), ("owner", "ada")))
    assert ids(store, both) == ["e2"]
    assert ids(store, ExecutionFilter(labels=(("env", "Prod"),))) == []
    assert ids(store, ExecutionFilter(text="REPORT")) == ["e3"]  # the flow id, any case
    assert ids(store, ExecutionFilter(text="e1")) == ["e1"]  # the id
    combined = ExecutionFilter(namespace="company", states=["SUCCESS"], labels=(("env", "prod"),))
    assert ids(store, combined) == ["e2", "e0"]


def test_common_and_rare_labels_find_the_same_executions(
    store: SqlExecutionStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Below the bound a label drives the query; above it each row is checked: same answers.
    where = ExecutionFilter(labels=(("env", "prod"),), namespace="company")
    rare = ids(store, where)
    monkeypatch.setattr("tiercel.storage.sql.execution_search.COMMON_LABEL", 1)
    assert ids(store, where) == rare == ["e2", "e0"]


def test_labels_follow_the_execution_and_go_with_it(store: SqlExecutionStore) -> None:
    store.save(execution("e0", 0, labels={"env": "dev", "team": "data"}), [])
    assert ids(store, ExecutionFilter(labels=(("env", "prod"),))) == ["e4", "e2"]
    assert ids(store, ExecutionFilter(labels=(("team", "data"),))) == ["e0"]
    store.save(execution("e0", 0), [])
    assert ids(store, ExecutionFilter(labels=(("team", "data"),))) == []
    store.save(execution("e9", 9, labels={"team": "data"}), [])
    store.delete(["e9"])
    assert ids(store, ExecutionFilter(labels=(("team", "data"),))) == []


def test_kestra_sorts_and_pages(store: SqlExecutionStore) -> None:
    by_id = [Sort("id")]
    assert ids(store, ExecutionFilter(), sort=by_id) == ["e0", "e1", "e2", "e3", "e4"]
    assert ids(store, ExecutionFilter(), sort=[Sort("state.startDate")]) == [
        "e0",
        "e1",
        "e2",
        "e3",
        "e4",
    ]
    by_namespace = [Sort("namespace", descending=True)]
    assert ids(store, ExecutionFilter(), sort=by_namespace)[0] == "e4"  # "other"
    for field in ("flowId", "state.current", "state.endDate", "state.duration"):
        assert sorted(ids(store, ExecutionFilter(), sort=[Sort(field)])) == [
            f"e{n}" for n in range(5)
        ]
    pages = [store.search(ExecutionFilter(), page, 2) for page in (1, 2, 3, 4)]
    assert [[e.id for e in p.results] for p in pages] == [["e4", "e3"], ["e2", "e1"], ["e0"], []]
    assert {(p.total, p.exact) for p in pages} == {(5, True)}


def test_ties_on_the_sort_break_by_id_in_code_point_order(database: Database) -> None:
    store = SqlExecutionStore(database)
    for execution_id in ("b", "B", "a", "_"):
        store.save(execution(execution_id, 0), [])
    assert ids(store, ExecutionFilter(), sort=[Sort("state.startDate")]) == ["B", "_", "a", "b"]
    assert ids(store, ExecutionFilter()) == ["b", "a", "_", "B"]


def test_totals_are_exact_up_to_a_bound_past_the_page(
    store: SqlExecutionStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sql_search, "COUNT_AHEAD", 1)
    first = store.search(ExecutionFilter(), 1, 2)
    assert (len(first.results), first.total, first.exact) == (2, 3, False)
    second = store.search(ExecutionFilter(), 2, 2)
    assert (len(second.results), second.total, second.exact) == (2, 5, False)
    last = store.search(ExecutionFilter(), 3, 2)
    assert (len(last.results), last.total, last.exact) == (1, 5, True)


def test_refusals_and_hostile_input(store: SqlExecutionStore) -> None:
    with pytest.raises(InvalidSearchError, match="cannot sort by 'document'"):
        store.search(ExecutionFilter(), 1, 10, [Sort("document")])
    with pytest.raises(InvalidSearchError, match="page and size start at 1"):
        store.search(ExecutionFilter(), 0, 10)
    huge = store.search(ExecutionFilter(), 10**18, 10)
    assert (huge.results, huge.total, huge.exact) == ([], 5, True)
    assert ids(store, ExecutionFilter(text="x" * 100_000)) == []
    assert ids(store, ExecutionFilter(text="%")) == []  # no LIKE wildcard
    assert ids(store, ExecutionFilter(text="e\x00")) == []
    assert ids(store, ExecutionFilter(namespace="company.team\x00")) == []
    assert ids(store, ExecutionFilter(labels=(("env\x00", "%"),))) == []


def test_sort_parsing() -> None:
    assert Sort.parse("state.startDate:desc") == Sort("state.startDate", descending=True)
    assert Sort.parse("id:ASC") == Sort("id")
    for bad, message in (("id", "field:asc"), ("id:up", "direction"), (":asc", "field:asc")):
        with pytest.raises(InvalidSearchError, match=message):
            Sort.parse(bad)


@contextmanager
def selects(database: Database) -> Iterator[list[str]]:
    seen: list[str] = []

    def count(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            seen.append(statement)

    event.listen(database.engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(database.engine, "before_cursor_execute", count)


def test_reading_an_execution_is_one_query_per_table_whatever_its_task_runs(
    database: Database,
) -> None:
    store = SqlExecutionStore(database)
    store.save(base_execution(), [task_run(f"r{n:04d}") for n in range(1_000)])
    with selects(database) as seen:
        loaded = store.load("e1")
    assert loaded is not None and len(loaded[1]) == 1_000
    assert [r.id for r in loaded[1]][:2] == ["r0000", "r0001"]
    assert len(seen) == 2
    with selects(database) as seen:
        runs = store.task_runs(["e1", "unknown"])
    assert len(seen) == 1
    assert (len(runs["e1"]), runs["unknown"]) == (1_000, [])


def test_migration_6_fills_the_labels_from_stored_executions(database_url: str) -> None:
    with Database(database_url, migrations=MIGRATIONS[:5]) as db, db.write() as conn:
        for record in (execution("old", 0, labels={"env": "prod"}), execution("plain", 1)):
            row = {
                "id": record.id,
                "namespace": record.namespace,
                "flow_id": record.flow_id,
                "state": record.state.current.value,
                "created_at": record.state.start_date,
                "updated_at": record.state.start_date,
                "document": record.model_dump_json(by_alias=True),
            }
            conn.execute(executions.insert(), [row])
    with Database(database_url, migrations=MIGRATIONS[:6]) as db:
        assert db.applied_migrations == (6,)
        store = SqlExecutionStore(db)
        assert ids(store, ExecutionFilter(labels=(("env", "prod"),))) == ["old"]
        with db.read() as conn:
            rows = conn.execute(text("SELECT execution_id, key, value FROM execution_labels"))
            assert [tuple(row) for row in rows] == [("old", "env", "prod")]


def log(n: int, **fields: object) -> LogEntry:
    values: dict[str, object] = {
        "namespace": "company.team",
        "flow_id": "etl",
        "timestamp": T0 + timedelta(seconds=n),
        "level": LogLevel.INFO,
        "message": f"line {n}",
        "execution_id": "e1",
        "task_run_id": "r1",
    }
    values.update(fields)
    return LogEntry(**values)  # type: ignore[arg-type]


def test_log_search(database: Database) -> None:
    logs = SqlLogStore(database)
    logs.append(
        [
            log(0),
            log(1, level=LogLevel.WARN, message="Disk FULL"),
            log(2, task_run_id="r2"),
            log(3, execution_id="e2", namespace="company.team.sub", level=LogLevel.ERROR),
            log(4, namespace="company.teams", execution_id="e3"),
            log(5, timestamp=T0 - timedelta(days=1)),
        ]
    )

    def messages(
        query: LogQuery, sort: Sequence[Sort] = (), page: int = 1, size: int = 100
    ) -> list[str]:
        return [entry.message for entry in logs.search(query, page, size, sort).results]

    assert messages(LogQuery()) == ["line 4", "line 3", "line 2", "Disk FULL", "line 0", "line 5"]
    assert messages(LogQuery(), sort=[Sort("timestamp")])[0] == "line 5"
    assert messages(LogQuery(execution_id="e1", task_run_id="r1")) == [
        "Disk FULL",
        "line 0",
        "line 5",
    ]
    assert messages(LogQuery(min_level=LogLevel.WARN)) == ["line 3", "Disk FULL"]
    assert messages(LogQuery(namespace="company.team", execution_id="e2")) == ["line 3"]
    assert messages(LogQuery(namespace="company.team")) == [
        "line 3",
        "line 2",
        "Disk FULL",
        "line 0",
        "line 5",
    ]
    assert messages(LogQuery(text="disk full")) == ["Disk FULL"]
    assert messages(LogQuery(text="E3")) == ["line 4"]  # an id
    assert messages(LogQuery(start=T0 + timedelta(seconds=1), end=T0 + timedelta(seconds=2))) == [
        "line 2",
        "Disk FULL",
    ]
    assert messages(LogQuery(), page=2, size=4) == ["line 0", "line 5"]
    assert messages(LogQuery(text="x" * 100_000)) == []
    assert messages(LogQuery(text="\x00")) == []
    huge = logs.search(LogQuery(), 10**18, 10)
    assert (huge.results, huge.total) == ([], 6)
    with pytest.raises(InvalidSearchError, match="sort by one of timestamp"):
        logs.search(LogQuery(), 1, 10, [Sort("message")])


def test_flow_search_reads_current_revisions(database: Database) -> None:
    flows = SqlFlowStore(database)
    for namespace, flow_id in [("company.team", "b"), ("company.team.sub", "a"), ("other", "c")]:
        flows.save(namespace, flow_id, f"id: {flow_id}", now=T0)
    flows.save("company.team", "b", "id: b\n# two", now=T0)
    flows.save("company.teams", "gone", "id: gone", now=T0)
    flows.delete("company.teams", "gone", now=T0)

    def found(where: FlowFilter, sort: Sequence[Sort] = ()) -> list[tuple[str, str, int]]:
        page = flows.search(where, 1, 100, sort)
        return [(r.namespace, r.flow_id, r.revision) for r in page.results]

    assert found(FlowFilter()) == [
        ("company.team", "b", 2),
        ("company.team.sub", "a", 1),
        ("other", "c", 1),
    ]
    assert found(FlowFilter(namespace="company.team")) == [
        ("company.team", "b", 2),
        ("company.team.sub", "a", 1),
    ]
    assert found(FlowFilter(text="OTH")) == [("other", "c", 1)]
    assert found(FlowFilter(), sort=[Sort("id", descending=True)])[0] == ("other", "c", 1)
    page = flows.search(FlowFilter(), 2, 2)
    assert ([r.flow_id for r in page.results], page.total) == (["c"], 3)
    with pytest.raises(InvalidSearchError):
        flows.search(FlowFilter(), 1, 10, [Sort("source")])


def page_plans(db: Database, search: Callable[[], object]) -> list[str]:
    """SQLite's query plan of each statement ``search`` runs that reads rows in an order."""
    statements: list[tuple[str, object]] = []

    def seen(conn: object, cursor: object, statement: str, params: object, *_: object) -> None:
        if "ORDER BY" in statement:
            statements.append((statement, params))

    event.listen(db.engine, "before_cursor_execute", seen)
    try:
        search()
    finally:
        event.remove(db.engine, "before_cursor_execute", seen)
    plans = []
    with db.read() as conn:
        for statement, params in statements:
            raw = conn.connection.driver_connection
            assert raw is not None
            rows = raw.execute(f"EXPLAIN QUERY PLAN {statement}", params).fetchall()
            plans.append(" | ".join(str(row[-1]) for row in rows))
    return plans


def test_a_namespace_prefix_page_reads_the_time_index_in_order_on_sqlite(
    tmp_path: Path,
) -> None:
    # SQLite cannot tell how many rows a namespace range holds: left to itself, it read every
    # execution (or log line) of the namespaces and sorted them all for one page (1.3 s over
    # 1,000,000 executions). The prefix is tested on the time index's entries instead.
    with Database.sqlite(tmp_path / "plans.db") as db:
        store, lines = SqlExecutionStore(db), SqlLogStore(db)
        for n in range(200):
            namespace = f"company.team{n % 10}.sub{n % 3}"
            store.save(execution(f"e{n:03d}", n, namespace=namespace), [])
        lines.append(log(n, namespace=f"company.team{n % 10}") for n in range(200))
        with db.write() as conn:
            conn.execute(text("ANALYZE"))
        where = ExecutionFilter(namespace="company.team3")
        found = store.search(where, 1, 5)
        assert [e.namespace for e in found.results][:1] == ["company.team3.sub1"]
        assert found.total == 20
        (plan,) = page_plans(db, lambda: store.search(where, 1, 5))
        assert "ix_executions_timeline" in plan and "TEMP B-TREE" not in plan, plan
        logs_where = LogQuery(namespace="company.team3", start=T0)
        assert lines.search(logs_where, 1, 5).total == 20
        (plan,) = page_plans(db, lambda: lines.search(logs_where, 1, 5))
        assert "ix_log_entries_timeline" in plan and "TEMP B-TREE" not in plan, plan
        # With a flow, the flow index serves the search as before.
        flow = ExecutionFilter(namespace="company.team3", flow_id="etl")
        (plan,) = page_plans(db, lambda: store.search(flow, 1, 5))
        assert "ix_executions_flow" in plan, plan
