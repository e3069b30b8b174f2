"""What may be done to a flow's trigger from the API or the CLI: switch it off and on, unlock
it, and run, pause or drop a backfill of a Schedule trigger.

Each use case changes the trigger's stored record only; the scheduler reads it on its next
pass. A backfill is kept in the record's ``state`` under ``backfill``, in Kestra's shape.
"""

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from tiercel.model.labels import SYSTEM_PREFIX, Label
from tiercel.ops.executions import NotFoundError, OperationError
from tiercel.storage.ports import TriggerStore
from tiercel.storage.records import TriggerRecord

BACKFILL = "backfill"
"""The key of a running backfill in a trigger record's state (the scheduler's too)."""


class TriggerNotFoundError(NotFoundError):
    """No record exists for the trigger (its flow was never deployed with it)."""


def set_disabled(
    store: TriggerStore,
    namespace: str,
    flow_id: str,
    trigger_id: str,
    disabled: bool,
    *,
    now: datetime,
) -> TriggerRecord:
    """Switch a trigger off, or on again.

    A trigger switched on starts from the next date after the scheduler's next pass: the
    dates it was off are not missed ones.

    Raises:
        TriggerNotFoundError: The trigger has no record.
    """
    record = _load(store, namespace, flow_id, trigger_id)
    if record.disabled == disabled:
        return record
    changed = replace(record, disabled=disabled, updated_at=now)
    if not disabled and record.state.get(BACKFILL) is None:
        changed = replace(changed, next_execution_date=None)
    store.save(changed)
    return changed


def unlock(
    store: TriggerStore, namespace: str, flow_id: str, trigger_id: str, *, now: datetime
) -> TriggerRecord:
    """Forget the execution a trigger waits for, so that it fires again at its next date.

    Raises:
        TriggerNotFoundError: The trigger has no record.
        OperationError: The trigger waits for no execution.
    """
    record = _load(store, namespace, flow_id, trigger_id)
    if record.execution_id is None:
        raise OperationError(f"trigger {_name(record)} is not locked")
    changed = replace(record, execution_id=None, updated_at=now)
    store.save(changed)
    return changed


def backfill(
    store: TriggerStore,
    namespace: str,
    flow_id: str,
    trigger_id: str,
    *,
    start: datetime,
    end: datetime | None = None,
    inputs: Mapping[str, Any] | None = None,
    labels: Mapping[str, str] | Sequence[Label] | None = None,
    now: datetime,
) -> TriggerRecord:
    """Start a backfill: the trigger fires for each of its dates from ``start`` to ``end``
    (to the present when None), one after the other, then resumes its schedule.

    Only Schedule triggers backfill; the caller, which knows the flow, checks the type.

    Args:
        store: The trigger records.
        namespace: The flow's namespace.
        flow_id: The flow's id.
        trigger_id: The trigger's id.
        start: The first date to consider (aware).
        end: The last date to consider (aware), or None for up to now.
        inputs: Inputs for the backfilled executions, over the trigger's.
        labels: Labels for the backfilled executions, over the trigger's.
        now: The current time.

    Raises:
        TriggerNotFoundError: The trigger has no record.
        OperationError: A backfill is already running, the dates are not aware or in the
            wrong order, or a label is a system label.
    """
    record = _load(store, namespace, flow_id, trigger_id)
    if record.state.get(BACKFILL) is not None:
        raise OperationError(
            f"trigger {_name(record)} already has a backfill: delete it before starting another"
        )
    for name, moment in (("start", start), ("end", end)):
        if moment is not None and moment.utcoffset() is None:
            raise OperationError(f"the backfill {name} date must have a time zone")
    if start > now:
        raise OperationError("the backfill start date must be in the past")
    if end is not None and end < start:
        raise OperationError("the backfill end date must be after its start date")
    pairs = _label_pairs(labels)
    value = {
        "start": _instant(start),
        "end": _instant(end),
        "currentDate": _instant(start),
        "paused": False,
        "inputs": dict(inputs) if inputs else None,
        "labels": pairs or None,
        "previousNextExecutionDate": _instant(record.next_execution_date),
    }
    changed = replace(
        record,
        state={**record.state, BACKFILL: value},
        next_execution_date=start.astimezone(UTC),
        updated_at=now,
    )
    store.save(changed)
    return changed


def pause_backfill(
    store: TriggerStore,
    namespace: str,
    flow_id: str,
    trigger_id: str,
    paused: bool = True,
    *,
    now: datetime,
) -> TriggerRecord:
    """Pause a running backfill, or resume it with ``paused=False``.

    Raises:
        TriggerNotFoundError: The trigger has no record.
        OperationError: The trigger has no backfill.
    """
    record = _load(store, namespace, flow_id, trigger_id)
    current = _backfill_of(record)
    changed = replace(
        record, state={**record.state, BACKFILL: {**current, "paused": paused}}, updated_at=now
    )
    store.save(changed)
    return changed


def delete_backfill(
    store: TriggerStore, namespace: str, flow_id: str, trigger_id: str, *, now: datetime
) -> TriggerRecord:
    """Drop a backfill; the trigger resumes its schedule where it was before the backfill.

    Raises:
        TriggerNotFoundError: The trigger has no record.
        OperationError: The trigger has no backfill.
    """
    record = _load(store, namespace, flow_id, trigger_id)
    current = _backfill_of(record)
    previous = current.get("previousNextExecutionDate")
    changed = replace(
        record,
        state={key: value for key, value in record.state.items() if key != BACKFILL},
        next_execution_date=None if previous is None else _parse(str(previous)),
        updated_at=now,
    )
    store.save(changed)
    return changed


def _load(store: TriggerStore, namespace: str, flow_id: str, trigger_id: str) -> TriggerRecord:
    record = store.get(namespace, flow_id, trigger_id)
    if record is None:
        raise TriggerNotFoundError(
            f"trigger '{trigger_id}' of flow '{namespace}.{flow_id}' not found"
        )
    return record


def _backfill_of(record: TriggerRecord) -> Mapping[str, Any]:
    current = record.state.get(BACKFILL)
    if not isinstance(current, Mapping):
        raise OperationError(f"trigger {_name(record)} has no backfill")
    return current


def _name(record: TriggerRecord) -> str:
    return f"'{record.trigger_id}' of flow '{record.namespace}.{record.flow_id}'"


def _label_pairs(labels: Mapping[str, str] | Sequence[Label] | None) -> list[dict[str, str]]:
    if labels is None:
        return []
    if isinstance(labels, Mapping):
        pairs = [{"key": str(key), "value": str(value)} for key, value in labels.items()]
    else:
        pairs = [{"key": label.key, "value": label.value} for label in labels]
    for pair in pairs:
        if pair["key"].startswith(SYSTEM_PREFIX):
            raise OperationError(
                "System labels can only be set by Kestra itself, offending label: "
                f"{pair['key']}={pair['value']}."
            )
    return pairs


def _instant(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _parse(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)
