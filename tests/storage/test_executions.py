"""Executions and task runs on each SQL backend: a row per task run, in creation order."""

from datetime import UTC, datetime, timedelta

from tests.storage.contracts import run_threads
from tiercel.model.execution import Attempt, Execution, ExecutionMetadata, RunState, TaskRun
from tiercel.model.state import State
from tiercel.storage import Database, SqlExecutionStore, SqlWorkQueue, Transition
from tiercel.storage.work import Job, WorkerRecord

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def execution(state: State = State.CREATED) -> Execution:
    return Execution.model_construct(
        id="e1",
        namespace="company.team",
        flow_id="etl",
        flow_revision=3,
        state=RunState.start(State.CREATED, T0).to(state, T0 + timedelta(seconds=1)),
        inputs={"n": 1},
        outputs=None,
        labels=(),
        variables=None,
        parent_id=None,
        original_id=None,
        trigger=None,
        metadata=ExecutionMetadata.model_construct(attempt_number=1, original_created_date=T0),
        schedule_date=None,
        deleted=False,
    )


def task_run(run_id: str, state: State = State.RUNNING, outputs: object = None) -> TaskRun:
    return TaskRun.model_construct(
        id=run_id,
        execution_id="e1",
        namespace="company.team",
        flow_id="etl",
        task_id=f"task-{run_id}",
        parent_task_run_id=None,
        value=None,
        iteration=None,
        attempts=(Attempt.model_construct(state=RunState.start(state, T0)),),
        outputs=outputs,
        state=RunState.start(state, T0),
        memo=None,
    )


def test_a_transition_round_trips(database: Database) -> None:
    store = SqlExecutionStore(database)
    store.save(execution(), [task_run("a"), task_run("b")])
    store.save(
        execution(State.RUNNING),
        [task_run("a", State.SUCCESS, outputs={"value": 1}), task_run("c")],
    )
    loaded = store.load("e1")
    assert loaded is not None
    record, runs = loaded
    assert record.state.current is State.RUNNING
    assert record.inputs == {"n": 1}
    assert [r.id for r in runs] == ["a", "b", "c"]  # creation order, not update order
    assert runs[0].state.current is State.SUCCESS
    assert runs[0].outputs == {"value": 1}


def test_data_survives_reopening_and_unknown_ids_are_none(database_url: str) -> None:
    with Database(database_url) as db:
        SqlExecutionStore(db).save(execution(), [task_run("a")])
    with Database(database_url) as db:
        store = SqlExecutionStore(db)
        assert store.load("missing") is None
        assert store.find(namespace="company.team", flow_id="etl") == ["e1"]
        loaded = store.load("e1")
    assert loaded is not None and [r.id for r in loaded[1]] == ["a"]


def test_counts_by_state_for_executions_and_task_runs(database: Database) -> None:
    store = SqlExecutionStore(database)
    assert store.count_by_state() == {}
    assert store.count_by_state(task_runs=True) == {}
    store.save(execution(State.RUNNING), [task_run("a", State.SUCCESS), task_run("b")])
    store.save(execution(State.SUCCESS).model_copy(update={"id": "e2"}), [])
    store.save(execution(State.SUCCESS).model_copy(update={"id": "e3"}), [])
    assert store.count_by_state() == {"RUNNING": 1, "SUCCESS": 2}
    assert store.count_by_state(task_runs=True) == {"SUCCESS": 1, "RUNNING": 1}


def test_get_reads_the_execution_without_its_task_runs(database: Database) -> None:
    store = SqlExecutionStore(database)
    assert store.get("e1") is None
    store.save(execution(State.RUNNING), [task_run("a")])
    got = store.get("e1")
    assert got is not None and got.state.current is State.RUNNING
    loaded = store.load("e1")
    assert loaded is not None and loaded[0] == got


def test_durations_of_ended_executions(database: Database) -> None:
    store = SqlExecutionStore(database)
    assert store.durations([0.5, 2.0]) == ([0, 0], 0, 0.0)
    store.save(execution(State.RUNNING), [])  # not ended: not counted
    for n, seconds in enumerate((0.25, 1.5, 30.0)):
        created = RunState.start(State.CREATED, T0)
        ended = created.to(State.SUCCESS, T0 + timedelta(seconds=seconds))
        store.save(execution().model_copy(update={"id": f"d{n}", "state": ended}), [])
    assert store.durations([0.5, 2.0]) == ([1, 2], 3, 31.75)


def test_concurrent_first_saves_of_an_execution_both_succeed(database: Database) -> None:
    store = SqlExecutionStore(database)
    run_threads(4, lambda i: store.save(execution(), [task_run(f"r{i}")]))
    loaded = store.load("e1")
    assert loaded is not None
    assert sorted(r.id for r in loaded[1]) == ["r0", "r1", "r2", "r3"]
    assert store.find() == ["e1"]


def test_find_breaks_ties_by_id_and_matches_child_namespaces(database: Database) -> None:
    store = SqlExecutionStore(database)
    for execution_id, namespace in [("b", "a"), ("B", "a.b"), ("a", "ab"), ("c", "A.b")]:
        store.save(execution().model_copy(update={"id": execution_id, "namespace": namespace}), [])
    assert store.find() == ["B", "a", "b", "c"]
    assert store.find(namespace="a", namespace_prefix=True) == ["B", "b"]


def test_transitions_saved_together_read_as_if_saved_in_turn(database: Database) -> None:
    store = SqlExecutionStore(database)
    later = execution(State.RUNNING)
    store.save_all(
        [
            Transition(execution(), [task_run("a"), task_run("b")]),
            Transition(later, [task_run("a", State.SUCCESS, {"v": 1})], ["b"]),
            Transition(None, [task_run("c")]),
            Transition(None, [task_run("d")], []),
            Transition(None, [], ["d"]),
        ]
    )
    stored = store.load("e1")
    assert stored is not None
    saved, runs = stored
    assert saved.state.current is State.RUNNING
    assert [(run.id, run.state.current, run.outputs) for run in runs] == [
        ("a", State.SUCCESS, {"v": 1}),
        ("c", State.RUNNING, None),
    ]
    store.save_all([])  # nothing to store: no transaction, no error
    assert store.load("e1") == stored


def test_jobs_stored_with_a_step_wait_for_a_claim_or_are_held_as_stored(
    database: Database,
) -> None:
    store, queue = SqlExecutionStore(database), SqlWorkQueue(database)
    lease = timedelta(seconds=30)
    at = datetime(2026, 1, 1, tzinfo=UTC)
    waiting = Job("r1", "e1", b"one", at)
    held = Job("r2", "e1", b"two", at, worker_id="here", lease_until=at + lease)
    store.save_all([Transition(execution(), [task_run("r1"), task_run("r2")])], [waiting, held])
    assert queue.counts() == (1, 1)
    (claimed,) = queue.claim("elsewhere", 5, now=at, lease=lease)
    assert claimed.task_run_id == "r1"
    assert queue.expired(at + lease - timedelta(seconds=1)) == []
    expired = queue.expired(at + lease + timedelta(seconds=1))
    assert sorted((job.task_run_id, job.worker_id) for job in expired) == [
        ("r1", "elsewhere"),
        ("r2", "here"),
    ]
    # A new attempt stored claimed replaces the last one's job, held by its new worker.
    store.save_all([], [held])
    store.save_all([], [Job("r2", "e1", b"again", at, worker_id="next", lease_until=at)])
    (renewed,) = queue.renew(WorkerRecord("next", "host", 1, 1, at, at), lease=lease)
    assert (renewed.task_run_id, renewed.worker_id) == ("r2", "next")
