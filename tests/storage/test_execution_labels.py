"""Finding executions by label on each SQL backend: exact keys and values, every label
required, LIKE's wildcards and JSON escapes taken literally."""

from datetime import UTC, datetime, timedelta

from tiercel.model.execution import Execution, ExecutionMetadata, RunState
from tiercel.model.labels import Label
from tiercel.model.state import State
from tiercel.storage import Database, SqlExecutionStore, Transition

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def execution(execution_id: str, n: int, labels: dict[str, str]) -> Execution:
    return Execution.model_construct(
        id=execution_id,
        namespace="company.team",
        flow_id="etl",
        flow_revision=1,
        state=RunState.start(State.SUCCESS, T0 + timedelta(seconds=n)),
        inputs={"note": {"key": "team", "value": "data"}},  # label-shaped, but not a label
        outputs=None,
        labels=tuple(Label(key=k, value=v) for k, v in labels.items()),
        variables=None,
        parent_id=None,
        original_id=None,
        trigger=None,
        metadata=ExecutionMetadata.model_construct(attempt_number=1),
        schedule_date=None,
        deleted=False,
    )


def test_find_by_labels(database: Database) -> None:
    store = SqlExecutionStore(database)
    store.save(execution("a", 1, {"team": "data", "env": "prod"}), ())
    store.save(execution("b", 2, {"team": "data", "env": "dev"}), ())
    store.save(execution("c", 3, {"team": "Data"}), ())
    store.save(execution("d", 4, {"odd": 'quote" 50%_x\\y'}), ())
    store.save(execution("e", 5, {}), ())

    def found(*labels: tuple[str, str]) -> list[str]:
        return store.find(labels=labels)

    assert found(("team", "data")) == ["a", "b"]
    assert found(("team", "data"), ("env", "prod")) == ["a"]
    assert found(("team", "Data")) == ["c"]
    assert found(("team", "dat")) == []
    assert found(("env", "data")) == []
    assert found(("odd", 'quote" 50%_x\\y')) == ["d"]
    assert found(("odd", 'quote" 50%Ax\\y')) == []
    assert store.find(namespace="company.team", labels=[("env", "dev")]) == ["b"]
    assert store.find(labels=None) == ["a", "b", "c", "d", "e"]


def test_labels_of_new_executions_and_of_changed_ones_only(database: Database) -> None:
    """A new execution's labels are inserted; a later transition that says they did not
    change leaves the table alone, one that says they changed rewrites it."""
    store = SqlExecutionStore(database)
    first = execution("a", 1, {"team": "data"})
    store.save_all([Transition(first, [], [], new=True), Transition(first, [])])
    assert store.find(labels=[("team", "data")]) == ["a"]
    relabelled = execution("a", 1, {"team": "ops"})
    store.save_all([Transition(relabelled, [], [], labels_changed=False)])
    assert store.find(labels=[("team", "data")]) == ["a"]  # told unchanged: not looked at
    store.save_all([Transition(relabelled, [], [], labels_changed=True)])
    assert store.find(labels=[("team", "data")]) == []
    assert store.find(labels=[("team", "ops")]) == ["a"]
