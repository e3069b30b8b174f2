"""Bad input over HTTP is a 4xx with a JSON body, never a 5xx, a dropped connection or a
second execution: deep JSON, huge numbers, NaN, lone surrogates, odd ids in headers, long
file names, unparsable HTTP, a wrong Content-Type, unknown executions' logs."""

import json
import logging
import socket
import time

import httpx
import pytest
from fastapi.routing import APIRoute
from tests.api.conftest import LiveServer

from tiercel.api import (
    execution_changes,
    executions,
    flows,
    kv,
    logs,
    namespace_files,
    plugins,
    triggers,
    webhooks,
)
from tiercel.api.bodies import StrictJsonRoute

BASE = "/api/v1/main/executions"

HOOKED = """\
id: hooked
namespace: company.team
inputs:
  - id: name
    type: STRING
    defaults: nobody
tasks:
  - id: say
    type: io.kestra.plugin.core.log.Log
    message: "hello {{ inputs.name }}"
triggers:
  - id: hook
    type: io.kestra.plugin.core.trigger.Webhook
    key: k3y
"""

BROKEN_INPUTS = """\
id: broken
namespace: company.team
inputs:
  - id: name
    type: STRING
tasks:
  - id: say
    type: io.kestra.plugin.core.log.Log
    message: "hello {{ inputs.name }}"
triggers:
  - id: hook
    type: io.kestra.plugin.core.trigger.Webhook
    key: k3y
    inputs:
      name: "{{ trigger.body.missing.deeper }}"
"""

PAUSING = """\
id: pausing
namespace: company.team
tasks:
  - id: wait
    type: io.kestra.plugin.core.flow.Pause
    onResume:
      - id: approved
        type: BOOLEAN
"""

DEEP = b"[" * 100_000
HUGE_INT = b'{"name": ' + b"9" * 5000 + b"}"
SURROGATE = b'{"name": "a\\ud800b"}'


def _executions(live: LiveServer, flow_id: str) -> list[dict[str, object]]:
    found = live.client.get(
        f"{BASE}/search", params={"namespace": "company.team", "flowId": flow_id}
    ).json()
    results: list[dict[str, object]] = found["results"]
    return results


def _json_refusal(response: httpx.Response, status: int, *words: str) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    message = response.json()["message"]
    for word in words:
        assert word in message, message


def test_deep_json_is_refused_on_create_kv_and_resume(live: LiveServer) -> None:
    live.deploy(HOOKED)
    json_type = {"content-type": "application/json"}
    create = live.client.post(f"{BASE}/company.team/hooked", content=DEEP, headers=json_type)
    _json_refusal(create, 422, "nested")
    assert _executions(live, "hooked") == []

    valid_deep = b"[" * 300 + b"]" * 300
    kv = live.client.put("/api/v1/main/namespaces/company.team/kv/deep", content=valid_deep)
    _json_refusal(kv, 422, "nested more than 200")
    unclosed = live.client.put("/api/v1/main/namespaces/company.team/kv/text", content=DEEP)
    _json_refusal(unclosed, 422, "nested")
    deleted = live.client.request("DELETE", "/api/v1/main/namespaces/company.team/kv", content=DEEP)
    _json_refusal(deleted, 422, "nested")

    live.deploy(PAUSING)
    paused = live.client.post(f"{BASE}/company.team/pausing").json()
    deadline = time.monotonic() + 20
    while live.client.get(f"{BASE}/{paused['id']}").json()["state"]["current"] != "PAUSED":
        assert time.monotonic() < deadline
        time.sleep(0.05)
    resume = live.client.post(f"{BASE}/{paused['id']}/resume", content=DEEP, headers=json_type)
    _json_refusal(resume, 422, "nested")


@pytest.mark.parametrize("body", [DEEP, b'{"who": NaN}', b'{"who": 1e999999}', HUGE_INT])
def test_webhook_bodies_json_cannot_hold_start_one_execution(live: LiveServer, body: bytes) -> None:
    """Kestra reads such a body as text: the call answers 200 once, with one execution."""
    live.deploy(HOOKED)
    response = live.client.post(
        "/api/v1/main/executions/webhook/company.team/hooked/k3y",
        content=body,
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 200, response.text
    started = _executions(live, "hooked")
    assert [execution["id"] for execution in started] == [response.json()["id"]]
    variables = started[0]["trigger"]
    assert isinstance(variables, dict)
    assert variables["variables"]["body"] == body.decode()


def test_webhook_inputs_that_cannot_render_are_422_and_start_nothing(live: LiveServer) -> None:
    live.deploy(BROKEN_INPUTS)
    response = live.client.post(
        "/api/v1/main/executions/webhook/company.team/broken/k3y", json={"other": 1}
    )
    _json_refusal(response, 422, "inputs", "hook")
    assert _executions(live, "broken") == []


def test_huge_integers_are_refused_in_json_and_in_flow_yaml(live: LiveServer) -> None:
    live.deploy(HOOKED)
    create = live.client.post(
        f"{BASE}/company.team/hooked",
        content=HUGE_INT,
        headers={"content-type": "application/json"},
    )
    _json_refusal(create, 422, "5000 digits")
    kv = live.client.put("/api/v1/main/namespaces/company.team/kv/big", content=b"9" * 5000)
    _json_refusal(kv, 422, "5000 digits")

    flow = HOOKED.replace("defaults: nobody", "defaults: " + "7" * 4301)
    deployed = live.client.post(
        "/api/v1/main/flows", content=flow, headers={"content-type": "application/x-yaml"}
    )
    _json_refusal(deployed, 422, "4301 digits")
    checked = live.client.post(
        "/api/v1/main/flows/validate", content=flow, headers={"content-type": "application/x-yaml"}
    )
    assert checked.status_code == 200
    assert "4301 digits is too large" in checked.json()[0]["constraints"]


def test_lone_surrogates_in_json_are_refused(live: LiveServer) -> None:
    live.deploy(HOOKED)
    create = live.client.post(
        f"{BASE}/company.team/hooked",
        content=SURROGATE,
        headers={"content-type": "application/json"},
    )
    _json_refusal(create, 422, "surrogate")
    kv = live.client.put("/api/v1/main/namespaces/company.team/kv/s", content=b'"\\udfff"')
    _json_refusal(kv, 422, "surrogate")
    assert _executions(live, "hooked") == []


@pytest.mark.parametrize("raw_id", ["%C4%80%E2%82%AC", "ab%0D%0AX-Evil:%201", "a%00b", "caf%C3%A9"])
def test_logs_download_of_odd_execution_ids_is_a_json_404(live: LiveServer, raw_id: str) -> None:
    response = live.client.get(f"/api/v1/main/logs/{raw_id}/download")
    _json_refusal(response, 404, "not found")
    assert "X-Evil" not in response.headers


def test_logs_and_metrics_of_an_unknown_execution_are_404(live: LiveServer) -> None:
    for path in ("logs/nosuch", "logs/nosuch/download", "logs/nosuch/follow", "metrics/nosuch"):
        _json_refusal(live.client.get(f"/api/v1/main/{path}"), 404, "nosuch")
    live.deploy(HOOKED)
    created = live.client.post(f"{BASE}/company.team/hooked", params={"wait": True}).json()
    assert live.client.get(f"/api/v1/main/metrics/{created['id']}").status_code == 200
    logs = live.client.get(f"/api/v1/main/logs/{created['id']}")
    assert logs.status_code == 200 and logs.json()
    # A deleted execution's kept lines are still served.
    gone = live.client.delete(f"{BASE}/{created['id']}", params={"deleteLogs": False})
    assert gone.status_code == 204
    assert live.client.get(f"/api/v1/main/logs/{created['id']}").json() == logs.json()


def test_namespace_file_names_over_255_bytes_are_422(live: LiveServer) -> None:
    files = "/api/v1/main/namespaces/company.team/files"
    long_name = "é" * 128  # 256 bytes in UTF-8, 128 characters
    upload = live.client.post(
        files, params={"path": f"/dir/{long_name}"}, files={"fileContent": ("f", b"x")}
    )
    _json_refusal(upload, 422, "256 bytes", "at most 255")
    for method, params in (
        ("GET", {"path": long_name}),
        ("GET", {"path": "a" * 300}),
    ):
        _json_refusal(live.client.request(method, files, params=params), 422, "at most 255")
    _json_refusal(live.client.get(f"{files}/stats", params={"path": "b" * 256}), 422, "at most 255")
    long_namespace = f"/api/v1/main/namespaces/{'n' * 300}/files/directory"
    _json_refusal(live.client.get(long_namespace), 422, "at most 255")
    fits = live.client.post(files, params={"path": "e" * 255}, files={"fileContent": ("f", b"x")})
    assert fits.status_code == 200, fits.text


def test_execution_create_with_a_wrong_content_type_is_415(live: LiveServer) -> None:
    live.deploy(HOOKED)
    for kind in ("text/plain", "application/xml", "application/octet-stream"):
        response = live.client.post(
            f"{BASE}/company.team/hooked", content=b"name=x", headers={"content-type": kind}
        )
        _json_refusal(response, 415, kind, "multipart/form-data")
    assert _executions(live, "hooked") == []
    # No body at all is an execution with the default inputs, as before.
    plain = live.client.post(f"{BASE}/company.team/hooked", params={"wait": True})
    assert plain.status_code == 200 and plain.json()["inputs"] == {"name": "nobody"}


@pytest.mark.parametrize(
    "request_bytes",
    [
        b"POST /api/v1/main/flows HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n",
        b"GET /ping HTTP/1.1\r\nHost: x\r\nX-Bad: a\x00b\r\n\r\n",
        b"GET /ping HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
        b"NOT A REQUEST\r\n\r\n",
    ],
)
def test_unparsable_http_requests_get_a_json_400(live: LiveServer, request_bytes: bytes) -> None:
    port = int(live.url.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
        conn.sendall(request_bytes)
        received = b""
        while chunk := conn.recv(65536):
            received += chunk
    head, _, body = received.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 400 "), received
    assert b"content-type: application/json" in head.lower()
    message = json.loads(body)["message"]
    assert message.startswith("Invalid HTTP request") and "bytearray" not in message


@pytest.mark.parametrize("server", ["live", "secured"])
def test_a_body_that_breaks_after_a_good_head_is_one_json_400(
    server: str, request: pytest.FixtureRequest, caplog: pytest.LogCaptureFixture
) -> None:
    """The application starts on the request's head (the route reads the body, or the
    guard refuses the call at once); the bad chunk then gets the 400, and the application's
    own answer is dropped instead of crashing in the HTTP library."""
    live: LiveServer = request.getfixturevalue(server)
    port = int(live.url.rsplit(":", 1)[1])
    request = (
        b"POST /api/v1/main/flows HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
        b"Content-Type: application/x-yaml\r\n\r\nzz\r\n"
    )
    with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
        conn.sendall(request)
        received = b""
        while chunk := conn.recv(65536):
            received += chunk
    assert received.startswith(b"HTTP/1.1 400 "), received
    assert received.count(b"HTTP/1.1") == 1
    assert httpx.get(f"{live.url}/ping").text == "pong"
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []


def test_body_models_read_json_within_the_limits(live: LiveServer) -> None:
    """A lone surrogate in a label once passed the model and killed the executor thread."""
    live.deploy(HOOKED)
    created = live.client.post(f"{BASE}/company.team/hooked", params={"wait": True}).json()
    json_type = {"content-type": "application/json"}
    cases = [
        (f"{BASE}/{created['id']}/labels", b'[{"key": "a", "value": "\\ud800"}]', "surrogate"),
        (
            f"{BASE}/labels/by-ids",
            b'{"executionsId": ["x"], "executionLabels": [{"key": "\\udc00", "value": "b"}]}',
            "surrogate",
        ),
        (f"{BASE}/{created['id']}/state", DEEP, "nested"),
        ("/api/v1/main/triggers/set-disabled/by-triggers", b'{"disabled": NaN}', "NaN"),
    ]
    for path, body, word in cases:
        _json_refusal(live.client.post(path, content=body, headers=json_type), 422, word)
    # The executor is alive: an execution still runs to its end.
    again = live.client.post(f"{BASE}/company.team/hooked", params={"wait": True})
    assert again.json()["state"]["current"] == "SUCCESS"


def test_every_route_with_a_body_model_reads_it_strictly() -> None:
    modules = (execution_changes, executions, flows, kv, logs, namespace_files, plugins)
    routes = [
        route
        for module in (*modules, triggers, webhooks)
        for route in module.router.routes
        if isinstance(route, APIRoute)
    ]
    with_body = [route for route in routes if route.body_field is not None]
    assert len(with_body) >= 5
    assert [r.path for r in with_body if not isinstance(r, StrictJsonRoute)] == []
