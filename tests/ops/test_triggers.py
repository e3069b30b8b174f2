"""Use cases on trigger records: disable, unlock, and backfills with their errors."""

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tiercel.model.labels import Label
from tiercel.ops.executions import OperationError
from tiercel.ops.triggers import (
    TriggerNotFoundError,
    backfill,
    delete_backfill,
    pause_backfill,
    set_disabled,
    unlock,
)
from tiercel.storage.ports import TriggerStore
from tiercel.storage.records import TriggerRecord
from tiercel.wiring import local_services

NOW = datetime(2024, 1, 1, 10, 0, tzinfo=UTC)
KEY = ("company.team", "flow", "schedule")


@pytest.fixture
def store(tmp_path: Path) -> Iterator[TriggerStore]:
    with local_services(tmp_path) as services:
        services.triggers.save(
            TriggerRecord(*KEY, updated_at=NOW, next_execution_date=NOW + timedelta(minutes=15))
        )
        yield services.triggers


def test_unknown_trigger(store: TriggerStore) -> None:
    with pytest.raises(TriggerNotFoundError, match=r"trigger 'nope' of flow 'company\.team\.flow'"):
        set_disabled(store, "company.team", "flow", "nope", True, now=NOW)


def test_disable_then_enable_starts_again_from_now(store: TriggerStore) -> None:
    record = set_disabled(store, *KEY, True, now=NOW)
    assert record.disabled and store.get(*KEY) == record
    record = set_disabled(store, *KEY, False, now=NOW)
    assert not record.disabled and record.next_execution_date is None


def test_unlock(store: TriggerStore) -> None:
    with pytest.raises(OperationError, match="is not locked"):
        unlock(store, *KEY, now=NOW)
    locked = store.get(*KEY)
    assert locked is not None
    store.save(replace(locked, execution_id="e1"))
    assert unlock(store, *KEY, now=NOW).execution_id is None


def test_backfill_lifecycle(store: TriggerStore) -> None:
    start = NOW - timedelta(days=1)
    record = backfill(
        store,
        *KEY,
        start=start,
        end=NOW - timedelta(hours=1),
        inputs={"a": 1},
        labels=[Label(key="reason", value="outage")],
        now=NOW,
    )
    assert record.next_execution_date == start
    assert record.state["backfill"] == {
        "start": "2023-12-31T10:00:00Z",
        "end": "2024-01-01T09:00:00Z",
        "currentDate": "2023-12-31T10:00:00Z",
        "paused": False,
        "inputs": {"a": 1},
        "labels": [{"key": "reason", "value": "outage"}],
        "previousNextExecutionDate": "2024-01-01T10:15:00Z",
    }
    with pytest.raises(OperationError, match="already has a backfill"):
        backfill(store, *KEY, start=start, now=NOW)
    assert pause_backfill(store, *KEY, now=NOW).state["backfill"]["paused"] is True
    assert pause_backfill(store, *KEY, False, now=NOW).state["backfill"]["paused"] is False
    record = delete_backfill(store, *KEY, now=NOW)
    assert "backfill" not in record.state
    assert record.next_execution_date == NOW + timedelta(minutes=15)
    with pytest.raises(OperationError, match="has no backfill"):
        pause_backfill(store, *KEY, now=NOW)
    with pytest.raises(OperationError, match="has no backfill"):
        delete_backfill(store, *KEY, now=NOW)


@pytest.mark.parametrize(
    ("start", "end", "labels", "message"),
    [
        (NOW + timedelta(hours=1), None, None, "start date must be in the past"),
        (NOW - timedelta(hours=1), NOW - timedelta(hours=2), None, "end date must be after"),
        (datetime(2024, 1, 1), None, None, "must have a time zone"),
        (NOW - timedelta(hours=1), None, {"system.x": "y"}, "System labels"),
    ],
)
def test_backfill_refused(
    store: TriggerStore,
    start: datetime,
    end: datetime | None,
    labels: dict[str, str] | None,
    message: str,
) -> None:
    with pytest.raises(OperationError, match=message):
        backfill(store, *KEY, start=start, end=end, labels=labels, now=NOW)
