"""``/triggers``: search trigger records, switch triggers off and on, unlock them, and run,
pause or drop a Schedule trigger's backfill, one at a time or in bulk as Kestra does.

Each action changes the trigger's stored record through ``tiercel.ops.triggers``; the
scheduler reads it on its next pass.
"""

from collections.abc import Callable
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from tiercel.api.bodies import StrictJsonRoute
from tiercel.api.context import ApiContext
from tiercel.api.errors import ApiError
from tiercel.model.execution import format_instant
from tiercel.model.flow import Flow
from tiercel.model.labels import Label
from tiercel.model.task import Trigger
from tiercel.ops import triggers as ops
from tiercel.ops.executions import OperationError
from tiercel.sdk import RealtimeTrigger
from tiercel.storage.records import TriggerRecord

router = APIRouter(tags=["triggers"], route_class=StrictJsonRoute)

SCHEDULE = "io.kestra.plugin.core.trigger.Schedule"
"""The only trigger type that backfills."""


class LabelBody(BaseModel):
    """A label as Kestra's JSON writes it."""

    key: str
    value: str


class BackfillBody(BaseModel):
    """Kestra's ``Backfill`` as a client sends it."""

    model_config = ConfigDict(extra="ignore")

    start: datetime
    end: datetime | None = None
    inputs: dict[str, Any] | None = None
    labels: list[LabelBody] | None = None


class TriggerBody(BaseModel):
    """Kestra's ``Trigger`` as a client sends it: which trigger, and what to change."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True)

    namespace: str
    flow_id: str = Field(alias="flowId")
    trigger_id: str = Field(alias="triggerId")
    disabled: bool | None = None
    backfill: BackfillBody | None = None


class SetDisabledBody(BaseModel):
    """The triggers to switch, and whether off."""

    triggers: list[TriggerBody] = Field(min_length=1)
    disabled: bool


def _ctx(request: Request) -> ApiContext:
    context: ApiContext = request.app.state.ctx
    return context


def _instant(moment: datetime | None) -> str | None:
    return None if moment is None else format_instant(moment)


def trigger_json(record: TriggerRecord, definition: Trigger | None = None) -> dict[str, Any]:
    """Kestra's ``Trigger`` (a trigger's context) from its record."""
    stop_after = None if definition is None else definition.stop_after
    return {
        "namespace": record.namespace,
        "flowId": record.flow_id,
        "triggerId": record.trigger_id,
        "date": _instant(record.date),
        "nextExecutionDate": _instant(record.next_execution_date),
        "backfill": record.state.get(ops.BACKFILL),
        "stopAfter": None if stop_after is None else [state.value for state in stop_after],
        "disabled": record.disabled,
        "executionId": record.execution_id,
        "updatedDate": _instant(record.updated_at),
        "evaluateRunningDate": None,
        "workerId": None,
    }


def _definition(flow: Flow | None, trigger_id: str) -> Trigger | None:
    if flow is None:
        return None
    return next((t for t in flow.triggers or [] if t.id == trigger_id), None)


def _matches(record: TriggerRecord, namespace: str | None, q: str | None) -> bool:
    if namespace is not None and not (
        record.namespace == namespace or record.namespace.startswith(namespace + ".")
    ):
        return False
    if q:
        needle = q.lower()
        return any(needle in text.lower() for text in record.uid)
    return True


def _found(
    ctx: ApiContext, namespace: str | None, flow_id: str | None, q: str | None
) -> list[tuple[TriggerRecord, Trigger]]:
    """Records of triggers that their flow still declares, as Kestra's search shows them."""
    flows: dict[tuple[str, str], Flow | None] = {}
    found = []
    for record in ctx.triggers.find(flow_id=flow_id):
        if not _matches(record, namespace, q):
            continue
        key = (record.namespace, record.flow_id)
        if key not in flows:
            flows[key] = ctx.flows.find(*key)
        definition = _definition(flows[key], record.trigger_id)
        if definition is not None:
            found.append((record, definition))
    return found


@router.get("/triggers/search")
def search_triggers(
    request: Request,
    namespace: str | None = None,
    flow_id: str | None = Query(None, alias="flowId"),
    q: str | None = None,
    page: int = Query(1, ge=1),
    size: int = Query(10, ge=1, le=10_000),
) -> dict[str, Any]:
    """Triggers by namespace (and those under it), flow and a text, a page at a time: each
    as its definition in the flow and its context."""
    found = _found(_ctx(request), namespace, flow_id, q)
    start = (page - 1) * size
    return {
        "results": [
            {
                "abstractTrigger": definition.model_dump(
                    mode="json", by_alias=True, exclude_none=True
                ),
                "triggerContext": trigger_json(record, definition),
            }
            for record, definition in found[start : start + size]
        ],
        "total": len(found),
    }


@router.put("/triggers")
def update_trigger(request: Request, body: TriggerBody) -> dict[str, Any]:
    """Start a backfill when the body has one; otherwise switch the trigger off or on."""
    ctx = _ctx(request)
    definition = _declared(ctx, body)
    if isinstance(definition, RealtimeTrigger):
        raise ApiError(
            422,
            "Realtime triggers can not be updated through the API, "
            "please edit the trigger from the flow.",
        )
    now = ctx.clock()
    if body.backfill is not None:
        if ctx.registry.canonical_name(definition.type) != SCHEDULE:
            raise ApiError(400, f"Only {SCHEDULE} triggers can be backfilled")
        backfill = body.backfill
        labels = [Label(key=label.key, value=label.value) for label in backfill.labels or []]
        record = _bad_request(
            lambda: ops.backfill(
                ctx.triggers,
                body.namespace,
                body.flow_id,
                body.trigger_id,
                start=backfill.start,
                end=backfill.end,
                inputs=backfill.inputs,
                labels=labels,
                now=now,
            )
        )
    elif body.disabled is not None:
        record = ops.set_disabled(
            ctx.triggers, body.namespace, body.flow_id, body.trigger_id, body.disabled, now=now
        )
    else:
        raise ApiError(422, "Send either 'disabled' or a 'backfill' for the trigger")
    return trigger_json(record, definition)


@router.post("/triggers/set-disabled/by-triggers")
def set_disabled_by_triggers(request: Request, body: SetDisabledBody) -> dict[str, int]:
    """Switch the listed triggers off or on; triggers their flow no longer declares, and
    realtime ones, are skipped as Kestra skips them."""
    ctx = _ctx(request)
    for trigger in body.triggers:
        _set_disabled(ctx, trigger.namespace, trigger.flow_id, trigger.trigger_id, body.disabled)
    return {"count": len(body.triggers)}


@router.post("/triggers/set-disabled/by-query")
def set_disabled_by_query(
    request: Request,
    namespace: str | None = None,
    q: str | None = None,
    disabled: bool = True,
) -> dict[str, int]:
    """Switch every matching trigger off (or on with ``disabled=false``)."""
    ctx = _ctx(request)
    found = _found(ctx, namespace, None, q)
    for record, _ in found:
        _set_disabled(ctx, record.namespace, record.flow_id, record.trigger_id, disabled)
    return {"count": len(found)}


@router.post("/triggers/{namespace}/{flow_id}/{trigger_id}/unlock")
@router.post("/triggers/unlock/{namespace}/{flow_id}/{trigger_id}", include_in_schema=False)
def unlock_trigger(
    request: Request, namespace: str, flow_id: str, trigger_id: str
) -> dict[str, Any]:
    """Forget the execution the trigger waits for, so that it fires again."""
    ctx = _ctx(request)
    record = ops.unlock(ctx.triggers, namespace, flow_id, trigger_id, now=ctx.clock())
    return trigger_json(record, _definition(ctx.flows.find(namespace, flow_id), trigger_id))


@router.post("/triggers/unlock/by-triggers")
def unlock_by_triggers(request: Request, body: list[TriggerBody]) -> dict[str, int]:
    """Unlock the listed triggers; those not locked are skipped."""
    ctx = _ctx(request)
    return {"count": _count(ctx, [(t.namespace, t.flow_id, t.trigger_id) for t in body], _unlock)}


@router.post("/triggers/unlock/by-query")
def unlock_by_query(
    request: Request, namespace: str | None = None, q: str | None = None
) -> dict[str, int]:
    """Unlock every matching locked trigger."""
    ctx = _ctx(request)
    uids = [r.uid for r, _ in _found(ctx, namespace, None, q) if r.execution_id is not None]
    return {"count": _count(ctx, uids, _unlock)}


@router.get("/triggers/{namespace}/{flow_id}")
def flow_triggers(
    request: Request,
    namespace: str,
    flow_id: str,
    q: str | None = None,
    page: int = Query(1, ge=1),
    size: int = Query(10, ge=1, le=10_000),
) -> dict[str, Any]:
    """The trigger contexts of one flow."""
    ctx = _ctx(request)
    flow = ctx.flows.find(namespace, flow_id)
    records = [
        r for r in ctx.triggers.find(namespace=namespace, flow_id=flow_id) if _matches(r, None, q)
    ]
    start = (page - 1) * size
    return {
        "results": [
            trigger_json(r, _definition(flow, r.trigger_id)) for r in records[start : start + size]
        ],
        "total": len(records),
    }


@router.put("/triggers/backfill/pause")
def pause_backfill(request: Request, body: TriggerBody) -> dict[str, Any]:
    """Pause a trigger's running backfill."""
    return _backfill_action(_ctx(request), body, _pause)


@router.put("/triggers/backfill/unpause")
def unpause_backfill(request: Request, body: TriggerBody) -> dict[str, Any]:
    """Resume a trigger's paused backfill."""
    return _backfill_action(_ctx(request), body, _unpause)


@router.post("/triggers/backfill/delete")
def delete_backfill(request: Request, body: TriggerBody) -> dict[str, Any]:
    """Drop a trigger's backfill; the trigger resumes its schedule."""
    return _backfill_action(_ctx(request), body, _delete)


def _bulk_backfill(action: Callable[[ApiContext, tuple[str, str, str]], TriggerRecord]) -> None:
    name = action.__name__.strip("_")

    def by_triggers(request: Request, body: list[TriggerBody]) -> dict[str, int]:
        uids = [(t.namespace, t.flow_id, t.trigger_id) for t in body]
        return {"count": _count(_ctx(request), uids, action)}

    def by_query(
        request: Request, namespace: str | None = None, q: str | None = None
    ) -> dict[str, int]:
        ctx = _ctx(request)
        uids = [r.uid for r, _ in _found(ctx, namespace, None, q)]
        return {"count": _count(ctx, uids, action)}

    by_triggers.__doc__ = f"{name.capitalize()} the backfill of the listed triggers."
    by_query.__doc__ = f"{name.capitalize()} the backfill of every matching trigger."
    router.post(f"/triggers/backfill/{name}/by-triggers", name=f"{name}_backfill_by_triggers")(
        by_triggers
    )
    router.post(f"/triggers/backfill/{name}/by-query", name=f"{name}_backfill_by_query")(by_query)


def _declared(ctx: ApiContext, body: TriggerBody) -> Trigger:
    flow = ctx.flows.find(body.namespace, body.flow_id)
    if flow is None:
        raise ApiError(404, f"Flow of trigger {body.trigger_id} not found")
    definition = _definition(flow, body.trigger_id)
    if definition is None:
        raise ApiError(404, f"Flow {body.flow_id} has no trigger {body.trigger_id}")
    return definition


def _set_disabled(
    ctx: ApiContext, namespace: str, flow_id: str, trigger_id: str, disabled: bool
) -> None:
    definition = _definition(ctx.flows.find(namespace, flow_id), trigger_id)
    if definition is None or isinstance(definition, RealtimeTrigger):
        return
    try:
        ops.set_disabled(ctx.triggers, namespace, flow_id, trigger_id, disabled, now=ctx.clock())
    except ops.TriggerNotFoundError:
        return


def _bad_request(action: Callable[[], TriggerRecord]) -> TriggerRecord:
    """Run a backfill use case; a refusal other than a missing trigger is a 400, as in
    Kestra ("No backfill found")."""
    try:
        return action()
    except ops.TriggerNotFoundError:
        raise
    except OperationError as exc:
        raise ApiError(400, str(exc)) from None


def _unlock(ctx: ApiContext, uid: tuple[str, str, str]) -> TriggerRecord:
    return ops.unlock(ctx.triggers, *uid, now=ctx.clock())


def _pause(ctx: ApiContext, uid: tuple[str, str, str]) -> TriggerRecord:
    return _bad_request(lambda: ops.pause_backfill(ctx.triggers, *uid, True, now=ctx.clock()))


def _unpause(ctx: ApiContext, uid: tuple[str, str, str]) -> TriggerRecord:
    return _bad_request(lambda: ops.pause_backfill(ctx.triggers, *uid, False, now=ctx.clock()))


def _delete(ctx: ApiContext, uid: tuple[str, str, str]) -> TriggerRecord:
    return _bad_request(lambda: ops.delete_backfill(ctx.triggers, *uid, now=ctx.clock()))


def _backfill_action(
    ctx: ApiContext,
    body: TriggerBody,
    action: Callable[[ApiContext, tuple[str, str, str]], TriggerRecord],
) -> dict[str, Any]:
    record = action(ctx, (body.namespace, body.flow_id, body.trigger_id))
    flow = ctx.flows.find(body.namespace, body.flow_id)
    return trigger_json(record, _definition(flow, body.trigger_id))


def _count(
    ctx: ApiContext,
    uids: list[tuple[str, str, str]],
    action: Callable[[ApiContext, tuple[str, str, str]], TriggerRecord],
) -> int:
    """How many of the triggers the action succeeded on; in bulk, a trigger it refuses
    (not locked, no backfill, no record) is skipped, as Kestra skips it."""
    done = 0
    for uid in uids:
        try:
            action(ctx, uid)
        except (OperationError, ApiError):
            continue
        done += 1
    return done


for _action in (_pause, _unpause, _delete):
    _bulk_backfill(_action)
