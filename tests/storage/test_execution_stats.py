"""Execution statistics, bulk ids, task-run states and flow namespaces on each SQL backend:
buckets computed in SQL agree with the range's buckets, every filter applies, hostile ranges
are refused."""

from datetime import UTC, datetime, timedelta

import pytest

from tests.storage.test_executions import execution as base_execution
from tests.storage.test_executions import task_run
from tiercel.model.execution import Execution, RunState
from tiercel.model.labels import Label
from tiercel.model.state import State
from tiercel.storage import Database, ExecutionFilter, SqlExecutionStore, SqlFlowStore
from tiercel.storage.stats import (
    MAX_BUCKETS,
    GroupBy,
    InvalidStatisticsError,
    bucket_keys,
    default_group,
    key_start,
)

T0 = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
"""A Monday."""


def made(
    execution_id: str,
    created: datetime,
    seconds: float,
    state: State = State.SUCCESS,
    *,
    namespace: str = "company.team",
    flow_id: str = "etl",
    labels: tuple[Label, ...] = (),
) -> Execution:
    run = RunState.start(State.CREATED, created).to(state, created + timedelta(seconds=seconds))
    return base_execution().model_copy(
        update={
            "id": execution_id,
            "namespace": namespace,
            "flow_id": flow_id,
            "state": run,
            "labels": labels,
        }
    )


@pytest.fixture
def store(database: Database) -> SqlExecutionStore:
    store = SqlExecutionStore(database)
    rows = [
        made("a", T0 + timedelta(minutes=5), 2),
        made("b", T0 + timedelta(minutes=50), 4, State.FAILED),
        made("c", T0 + timedelta(hours=1, minutes=1), 10),
        made("d", T0 + timedelta(hours=3), 1, State.RUNNING, namespace="company.team.sub"),
        made("e", T0 + timedelta(hours=3, minutes=2), 6, namespace="other", flow_id="load"),
        made("f", T0 - timedelta(minutes=1), 100, labels=(Label(key="env", value="prod"),)),
    ]
    for row in rows:
        store.save(row, [])
    return store


def test_hourly_buckets_count_states_and_durations(store: SqlExecutionStore) -> None:
    buckets = store.statistics(ExecutionFilter(), T0, T0 + timedelta(hours=4), GroupBy.HOUR)
    assert [b.start for b in buckets] == [T0 + timedelta(hours=h) for h in range(4)]
    first, second, empty, last = buckets
    assert first.counts == {"SUCCESS": 1, "FAILED": 1} and first.count == 2
    assert (first.duration_sum, first.duration_min, first.duration_max) == (6.0, 2.0, 4.0)
    assert second.counts == {"SUCCESS": 1} and second.duration_max == 10.0
    assert empty.count == 0 and empty.counts == {} and empty.duration_max == 0.0
    assert last.counts == {"RUNNING": 1, "SUCCESS": 1}


def test_filters_apply_to_statistics(store: SqlExecutionStore) -> None:
    end = T0 + timedelta(hours=4)
    by_namespace = store.statistics(ExecutionFilter(namespace="company"), T0, end, GroupBy.DAY)
    assert [b.count for b in by_namespace] == [4]
    by_flow = store.statistics(ExecutionFilter(flow_id="load"), T0, end, GroupBy.DAY)
    assert by_flow[0].counts == {"SUCCESS": 1}
    by_text = store.statistics(ExecutionFilter(text="LOA"), T0, end, GroupBy.DAY)
    assert by_text[0].count == 1
    # The range is half-open and replaces the filter's own dates: f, a minute before, is out.
    labelled = ExecutionFilter(labels=(("env", "prod"),), start=T0 - timedelta(days=9))
    assert store.statistics(labelled, T0, end, GroupBy.DAY)[0].count == 0
    earlier = store.statistics(labelled, T0 - timedelta(hours=1), end, GroupBy.DAY)
    assert earlier[0].count == 1


@pytest.mark.parametrize("group", list(GroupBy))
def test_sql_buckets_agree_with_the_range(store: SqlExecutionStore, group: GroupBy) -> None:
    start = T0 - timedelta(days=40)
    end = T0 + timedelta(days=40) if group is not GroupBy.MINUTE else T0 + timedelta(hours=4)
    if group is GroupBy.MINUTE:
        start = T0 - timedelta(hours=1)
    buckets = store.statistics(ExecutionFilter(), start, end, group)
    assert sum(b.count for b in buckets) == 6
    for bucket in buckets:
        assert bucket.start <= end
    starts = [b.start for b in buckets]
    assert starts == sorted(starts) and len(set(starts)) == len(starts)
    if group is GroupBy.WEEK:
        assert all(s.weekday() == 0 and s.hour == 0 for s in starts)
    if group is GroupBy.MONTH:
        assert [s.month for s in starts] == [1, 2, 3, 4]
        assert buckets[2].count == 6


def test_hostile_ranges_are_refused(store: SqlExecutionStore) -> None:
    with pytest.raises(InvalidStatisticsError, match="must be after"):
        store.statistics(ExecutionFilter(), T0, T0, GroupBy.HOUR)
    with pytest.raises(InvalidStatisticsError, match="over the limit"):
        store.statistics(ExecutionFilter(), T0, T0 + timedelta(days=3650), GroupBy.MINUTE)
    with pytest.raises(InvalidStatisticsError, match="before 1970"):
        store.statistics(ExecutionFilter(), datetime(1, 1, 1, tzinfo=UTC), T0, GroupBy.MONTH)
    far = datetime(9999, 12, 31, tzinfo=UTC)
    with pytest.raises(InvalidStatisticsError, match=f"{MAX_BUCKETS:,}"):
        store.statistics(ExecutionFilter(), T0, far, GroupBy.MONTH)
    decade = store.statistics(ExecutionFilter(), T0, T0 + timedelta(days=3650), GroupBy.MONTH)
    assert len(decade) == 120 and sum(b.count for b in decade) == 5


def test_bucket_arithmetic() -> None:
    assert default_group(T0, T0 + timedelta(hours=6)) is GroupBy.MINUTE
    assert default_group(T0, T0 + timedelta(hours=7)) is GroupBy.HOUR
    assert default_group(T0, T0 + timedelta(days=1, hours=23)) is GroupBy.HOUR
    assert default_group(T0, T0 + timedelta(days=30)) is GroupBy.DAY
    assert default_group(T0, T0 + timedelta(days=200)) is GroupBy.WEEK
    assert default_group(T0, T0 + timedelta(days=400)) is GroupBy.MONTH
    keys = bucket_keys(
        datetime(2025, 12, 15, tzinfo=UTC), datetime(2026, 2, 1, tzinfo=UTC), GroupBy.MONTH
    )
    assert [key_start(k, GroupBy.MONTH).month for k in keys] == [12, 1]


def test_ids_match_filters_up_to_a_limit(store: SqlExecutionStore) -> None:
    assert store.ids(ExecutionFilter(), 100) == ["f", "a", "b", "c", "d", "e"]
    assert store.ids(ExecutionFilter(), 2) == ["f", "a"]
    assert store.ids(ExecutionFilter(namespace="company.team", namespace_prefix=False), 9) == [
        "f",
        "a",
        "b",
        "c",
    ]
    assert store.ids(ExecutionFilter(states=["FAILED", "RUNNING"]), 9) == ["b", "d"]
    assert store.ids(ExecutionFilter(labels=(("env", "prod"),)), 9) == ["f"]
    assert store.ids(ExecutionFilter(text="\x00'; DROP TABLE executions; --"), 9) == []


def test_flow_namespaces_are_distinct_current_and_sorted(database: Database) -> None:
    flows = SqlFlowStore(database)
    source = "id: {id}\nnamespace: {ns}\ntasks: []\n"
    for namespace, flow_id in [("b.x", "one"), ("a", "one"), ("b.x", "two"), ("gone", "old")]:
        flows.save(namespace, flow_id, source.format(id=flow_id, ns=namespace), now=T0)
    flows.save("a", "one", source.format(id="one", ns="a") + "# v2\n", now=T0)
    flows.delete("gone", "old", now=T0)
    assert flows.namespaces() == ["a", "b.x"]


def test_run_states_follow_the_task_runs(store: SqlExecutionStore) -> None:
    assert store.run_states("a") == []
    first = task_run("r1", State.RUNNING).model_copy(update={"execution_id": "a"})
    second = task_run("r2", State.CREATED).model_copy(update={"execution_id": "a"})
    store.save(None, [first, second])
    assert store.run_states("a") == [("r1", "RUNNING"), ("r2", "CREATED")]
    ended = task_run("r1", State.SUCCESS).model_copy(update={"execution_id": "a"})
    store.save(None, [ended], removed=["r2"])
    assert store.run_states("a") == [("r1", "SUCCESS")]
    assert store.run_states("unknown") == []
    third = task_run("r3", State.RUNNING).model_copy(update={"execution_id": "b"})
    store.save(None, [third])
    assert [run.id for run in store.runs(["r3", "nope", "r1"])] == ["r1", "r3"]
    assert store.runs(["r1"])[0].state.current is State.SUCCESS
    assert store.runs([]) == []
