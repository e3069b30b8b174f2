"""``/executions/webhook/{namespace}/{flowId}/{key}``: a call starts an execution of the flow
whose webhook trigger has that key; the request is the execution's ``trigger.*``.

A webhook trigger is any trigger that fits the SDK's ``WebhookTrigger`` protocol (Kestra's
``io.kestra.plugin.core.trigger.Webhook``, or a third party's). The route reads the body on the
event loop and does everything else (flow lookup, rendering, the execution's creation, the
stored body, the wait) in worker threads.
"""

import asyncio
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse, PlainTextResponse

from tiercel.api.context import ApiContext
from tiercel.api.errors import ApiError
from tiercel.engine.preconditions import UpstreamExecution
from tiercel.expr import Environment, ExpressionError, render_value
from tiercel.model import json_text
from tiercel.model.execution import Execution, ExecutionTrigger
from tiercel.model.flow import Flow
from tiercel.model.task import Trigger
from tiercel.sdk import WebhookTrigger
from tiercel.sdk.webhook import WEBHOOK_FETCH, WEBHOOK_STORE
from tiercel.storage.uris import execution_uri

router = APIRouter(tags=["webhooks"])

WAIT_LIMIT = 3600.0

WEBHOOK_PATH = "/executions/webhook/{namespace}/{flow_id}/{key}"


@dataclass(frozen=True, slots=True)
class _Started:
    """An execution a webhook call started, and how to answer the call."""

    execution: Execution
    wait: bool
    return_outputs: bool
    text: bool


def _find_trigger(flow: Flow, key: str, ctx: ApiContext) -> Trigger | None:
    variables = {"flow": {"id": flow.id, "namespace": flow.namespace}}
    for trigger in flow.triggers or []:
        if not isinstance(trigger, WebhookTrigger) or trigger.disabled:
            continue
        expected = trigger.key
        if "{{" in trigger.key:
            # A key may read a secret: ``{{ secret('WEBHOOK_KEY') }}``.
            env = Environment(functions=dict(ctx.functions), clock=ctx.clock)
            try:
                expected = str(render_value(trigger.key, variables, env=env))
            except ExpressionError:
                continue  # a key that cannot be rendered (a missing secret) matches no call
        if expected != key:
            continue
        record = ctx.triggers.get(flow.namespace, flow.id, trigger.id)
        if record is not None and record.disabled:
            continue
        return trigger
    return None


@router.get(WEBHOOK_PATH)
@router.post(WEBHOOK_PATH)
@router.put(WEBHOOK_PATH)
async def webhook(request: Request, namespace: str, flow_id: str, key: str) -> Response:
    """Start an execution from a webhook call."""
    return await answer(request.app.state.ctx, request, namespace, flow_id, key)


async def answer(
    ctx: ApiContext, request: Request, namespace: str, flow_id: str, key: str
) -> Response:
    """The answer to a webhook call: what the route serves, and the application's webhook
    lane without the route (``api.app``)."""
    raw = await request.body()
    request_variables: dict[str, Any] = {
        "headers": {name: request.headers.getlist(name) for name in request.headers},
        "parameters": {name: request.query_params.getlist(name) for name in request.query_params},
    }
    started = await asyncio.to_thread(_start, ctx, namespace, flow_id, key, request_variables, raw)
    if started is None:
        return Response(status_code=204)
    execution = started.execution
    if not started.wait:
        return JSONResponse(_summary(execution.to_kestra_json([])))
    ended = await ctx.ends.wait_async(execution.id, WAIT_LIMIT)
    final = ended or execution
    if started.return_outputs:
        if started.text:
            return PlainTextResponse(json.dumps(final.outputs or {}))
        return JSONResponse(final.outputs or {})
    return JSONResponse(_summary(final.to_kestra_json([])))


def _start(
    ctx: ApiContext,
    namespace: str,
    flow_id: str,
    key: str,
    request_variables: Mapping[str, Any],
    raw: bytes,
) -> _Started | None:
    """Find the flow's webhook trigger for ``key`` and start its execution (blocking: reads
    the stores, renders, writes); None when a condition refuses the call."""
    flow = ctx.flows.find(namespace, flow_id)
    if flow is None or flow.disabled:
        raise ApiError(404, f"Flow not found: '{namespace}.{flow_id}'")
    trigger = _find_trigger(flow, key, ctx)
    if trigger is None or not isinstance(trigger, WebhookTrigger):
        raise ApiError(404, "Webhook not found")
    variables = dict(request_variables)
    if str(trigger.fetch_type) == WEBHOOK_FETCH:
        variables["body"] = _body(raw)
    seen = {"flow": {"id": flow.id, "namespace": flow.namespace}, "trigger": variables}
    # No execution yet: conditions see the flow and the request as ``trigger``.
    context = UpstreamExecution(None, flow.namespace, flow.id, seen)
    for condition in trigger.conditions or []:
        if not condition.test(context):
            return None
    execution_trigger = ExecutionTrigger(id=trigger.id, type=trigger.type, variables=variables)
    try:
        inputs = render_value(dict(trigger.inputs or {}), seen)
    except ExpressionError as exc:
        # As Kestra answers a webhook whose inputs cannot be rendered: 422, no execution.
        raise ApiError(422, f"Cannot render the inputs of trigger '{trigger.id}': {exc}") from None
    execution = ctx.runner.create(flow, inputs, (), trigger=execution_trigger)
    if str(trigger.fetch_type) == WEBHOOK_STORE and raw:
        uri = execution_uri(flow.namespace, flow.id, execution.id) + "/webhook-body"
        ctx.storage.put(uri, raw)
    return _Started(
        execution,
        wait=trigger.wait,
        return_outputs=trigger.return_outputs,
        text=trigger.response_content_type == "text/plain",
    )


def _body(raw: bytes) -> Any:
    """The body as JSON when it is a JSON object or array within ``json_text``'s limits,
    else as text, as Kestra reads it (its reader refuses NaN, overflowing numbers and deep
    nesting too, and the body then stays text)."""
    if not raw:
        return None
    text = raw.decode("utf-8", errors="replace")
    try:
        value = json_text.loads(text)
    except json_text.JsonTextError:
        return text
    return value if isinstance(value, dict | list) else text


def _summary(data: dict[str, Any]) -> dict[str, Any]:
    data.pop("taskRunList", None)
    return data
