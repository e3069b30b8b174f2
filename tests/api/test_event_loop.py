"""The API's event loop never waits on blocking work: routes that parse YAML, read or write the
stores or files are plain ``def`` routes (FastAPI's thread pool), and the few ``async def``
ones hand every blocking call to a thread. Against a live server, each blocking route is held
inside a store made slow at will, and ``/ping`` must answer meanwhile."""

import importlib
import inspect
import pkgutil
import threading
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from tests.api.conftest import LiveServer

import tiercel.api
from tiercel.api.context import ApiContext

# Long enough never to be reached by a loop that is free; a blocked loop fails the test.
PATIENCE = 30.0

FLOW = """id: gated
namespace: loop
triggers:
  - {id: hook, type: io.kestra.plugin.core.trigger.Webhook, key: gate-key}
tasks:
  - {id: log, type: io.kestra.plugin.core.log.Log, message: hi}
"""

ASYNC_ROUTES = {
    # Each waits or streams without holding a thread of the pool; each blocking call in it
    # goes through asyncio.to_thread.
    "create_execution": "waits for the execution's end with wait=true",
    "webhook": "waits for the execution's end when the trigger says wait",
    "follow_execution": "streams server-sent events",
    "follow_logs": "streams server-sent events",
    "change_task_run_state": "polls until the executor has applied the change",
    "set_labels": "polls until the executor has applied the labels",
    "set_labels_by_ids": "polls until the executor has applied the labels",
    "set_labels_by_query": "polls until the executor has applied the labels",
}


def test_only_routes_that_wait_or_stream_are_async() -> None:
    found = set()
    for module in pkgutil.iter_modules(tiercel.api.__path__, "tiercel.api."):
        router = getattr(importlib.import_module(module.name), "router", None)
        for route in getattr(router, "routes", ()):
            endpoint = getattr(route, "endpoint", None)
            if inspect.iscoroutinefunction(endpoint):
                found.add(endpoint.__name__)
    assert found == set(ASYNC_ROUTES)


def _ctx(live: LiveServer) -> ApiContext:
    ctx: ApiContext = live.server.app.state.ctx
    return ctx


GATES: dict[str, tuple[Callable[[LiveServer], Any], str, Callable[[LiveServer], httpx.Response]]]
GATES = {
    "deploy a flow": (
        lambda live: live.server.services.flows,
        "save",
        lambda live: live.client.post(
            "/api/v1/main/flows",
            content=FLOW.replace("gated", "other"),
            headers={"content-type": "application/x-yaml"},
        ),
    ),
    "update a flow": (
        lambda live: live.server.services.flows,
        "save",
        lambda live: live.client.put(
            "/api/v1/main/flows/loop/gated",
            content=FLOW,
            headers={"content-type": "application/x-yaml"},
        ),
    ),
    "start an execution": (
        lambda live: _ctx(live).runner,
        "create",
        lambda live: live.client.post("/api/v1/main/executions/loop/gated"),
    ),
    "call a webhook": (
        lambda live: _ctx(live).runner,
        "create",
        lambda live: live.client.post(
            "/api/v1/main/executions/webhook/loop/gated/gate-key", json={"a": 1}
        ),
    ),
    "set a KV value": (
        lambda live: _ctx(live).kv,
        "set",
        lambda live: live.client.put("/api/v1/main/namespaces/loop/kv/k", content=b'"v"'),
    ),
}


@pytest.mark.parametrize("case", list(GATES))
def test_ping_answers_while_a_route_waits_on_a_slow_store(
    live: LiveServer, monkeypatch: pytest.MonkeyPatch, case: str
) -> None:
    live.deploy(FLOW)
    owner_of, method, call = GATES[case]
    owner = owner_of(live)
    original = getattr(owner, method)
    inside = threading.Event()
    release = threading.Event()

    def slow(*args: Any, **kwargs: Any) -> Any:
        inside.set()
        release.wait(PATIENCE)
        return original(*args, **kwargs)

    monkeypatch.setattr(owner, method, slow)
    answers: list[httpx.Response] = []
    request = threading.Thread(target=lambda: answers.append(call(live)))
    request.start()
    try:
        assert inside.wait(PATIENCE), "the request never reached the store"
        pong = httpx.get(f"{live.url}/ping", timeout=PATIENCE)
        assert pong.status_code == 200
        assert request.is_alive(), "the request was not held in the store"
    finally:
        release.set()
        request.join(PATIENCE)
    assert answers and answers[0].status_code == 200, answers and answers[0].text
