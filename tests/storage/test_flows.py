"""Flow revisions on each SQL backend: saved, unchanged source kept, deleted, found by namespace."""

from datetime import UTC, datetime, timedelta

from tests.storage.contracts import run_threads
from tiercel.storage import Database, SqlFlowStore

T0 = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


def test_revisions_grow_only_when_the_source_changes(database: Database) -> None:
    store = SqlFlowStore(database)
    assert store.get("a.b", "etl") is None
    first = store.save("a.b", "etl", "id: etl\n", now=T0)
    assert first.revision == 1
    assert store.save("a.b", "etl", "id: etl\n", now=T0 + timedelta(1)) == first
    second = store.save("a.b", "etl", "id: etl # v2\n", now=T0 + timedelta(2))
    assert second.revision == 2
    assert store.get("a.b", "etl") == second
    assert store.get("a.b", "etl", 1) == first
    assert [r.revision for r in store.revisions("a.b", "etl")] == [1, 2]


def test_delete_marks_a_revision_and_a_new_save_comes_after_it(database: Database) -> None:
    store = SqlFlowStore(database)
    store.save("a.b", "etl", "v1", now=T0)
    deleted = store.delete("a.b", "etl", now=T0)
    assert deleted is not None and deleted.revision == 2 and deleted.deleted
    assert store.get("a.b", "etl") is None
    assert store.get("a.b", "etl", 1) is not None
    assert store.delete("a.b", "etl", now=T0) is None
    assert store.find() == []
    again = store.save("a.b", "etl", "v1", now=T0)
    assert again.revision == 3 and not again.deleted


def test_find_gives_current_revisions_by_namespace_or_prefix(database: Database) -> None:
    store = SqlFlowStore(database)
    for namespace, flow_id in [("a", "x"), ("a.b", "y"), ("ab", "z"), ("a_b", "w")]:
        store.save(namespace, flow_id, "one", now=T0)
    store.save("a", "x", "two", now=T0)
    assert [(r.namespace, r.flow_id, r.revision) for r in store.find()] == [
        ("a", "x", 2),
        ("a.b", "y", 1),
        ("a_b", "w", 1),
        ("ab", "z", 1),
    ]
    assert [r.flow_id for r in store.find(namespace="a")] == ["x"]
    assert [r.flow_id for r in store.find(namespace="a", prefix=True)] == ["x", "y"]


def test_concurrent_saves_of_one_flow_get_one_revision_each(database: Database) -> None:
    store = SqlFlowStore(database)
    saved = run_threads(6, lambda i: store.save("a.b", "etl", f"v{i}", now=T0).revision)
    assert sorted(saved) == [1, 2, 3, 4, 5, 6]
    assert [r.revision for r in store.revisions("a.b", "etl")] == [1, 2, 3, 4, 5, 6]


def test_find_orders_by_code_point_on_every_database(database: Database) -> None:
    store = SqlFlowStore(database)
    for flow_id in ["b", "B", "a-c", "a_c", "ac", "é"]:
        store.save("n", flow_id, "one", now=T0)
    assert [r.flow_id for r in store.find(namespace="n")] == ["B", "a-c", "a_c", "ac", "b", "é"]
