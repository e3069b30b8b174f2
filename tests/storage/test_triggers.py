"""Trigger records on each SQL backend: saved, replaced, found by flow and namespace, deleted."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tiercel.storage import Database, SqlTriggerStore, TriggerRecord

T0 = datetime(2026, 1, 1, 12, 30, 15, 123456, tzinfo=UTC)


def record(flow_id: str = "etl", trigger_id: str = "daily", **changes: Any) -> TriggerRecord:
    return replace(TriggerRecord("company.team", flow_id, trigger_id, updated_at=T0), **changes)


def test_a_record_round_trips_and_is_replaced(database: Database) -> None:
    store = SqlTriggerStore(database)
    assert store.get("company.team", "etl", "daily") is None
    first = record(
        next_execution_date=T0 + timedelta(days=1),
        date=T0,
        state={"window": [1, 2], "seen": {"a": True}},
    )
    store.save(first)
    assert store.get("company.team", "etl", "daily") == first
    later = record(disabled=True, updated_at=T0 + timedelta(seconds=5), execution_id="x1")
    store.save(later)
    assert store.get("company.team", "etl", "daily") == later
    assert len(store.find()) == 1


def test_find_filters_and_delete_by_trigger_or_flow(database: Database) -> None:
    store = SqlTriggerStore(database)
    for flow_id, trigger_id in [("b", "x"), ("a", "y"), ("a", "x")]:
        store.save(record(flow_id, trigger_id))
    store.save(TriggerRecord("other", "a", "x", updated_at=T0))
    store.save(TriggerRecord("Other", "a", "x", updated_at=T0))
    assert [r.uid for r in store.find(namespace="company.team")] == [
        ("company.team", "a", "x"),
        ("company.team", "a", "y"),
        ("company.team", "b", "x"),
    ]
    namespaces = [r.namespace for r in store.find(flow_id="a")]
    # Code-point order on every database: upper case first, whatever the collation.
    assert namespaces == ["Other", "company.team", "company.team", "other"]
    assert store.delete("company.team", "a", "y") == 1
    assert store.delete("company.team", "a") == 1
    assert [r.uid for r in store.find()] == [
        ("Other", "a", "x"),
        ("company.team", "b", "x"),
        ("other", "a", "x"),
    ]


def test_naive_times_are_refused() -> None:
    with pytest.raises(ValueError, match="time zone"):
        TriggerRecord("n", "f", "t", updated_at=datetime(2026, 1, 1))
