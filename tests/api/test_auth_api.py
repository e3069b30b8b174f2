"""Authentication: with users or tokens configured, every route in the OpenAPI document (and
``/metrics``) answers 401 JSON without credentials or with wrong ones, and works with basic
auth and with a bearer token; ``/ping`` and webhooks stay open. Also: the OpenAPI document."""

import base64
import re

import httpx
from tests.api.conftest import TOKEN, USERS, LiveServer

HOOKED = """\
id: hooked
namespace: company.team
tasks:
  - id: log
    type: io.kestra.plugin.core.log.Log
    message: hook
triggers:
  - id: hook
    type: io.kestra.plugin.core.trigger.Webhook
    key: k3y
"""

BASIC = httpx.BasicAuth(*next(iter(USERS.items())))
BEARER = {"authorization": f"Bearer {TOKEN}"}
WEBHOOK = re.compile(r"/executions/webhook/")


def routes(spec: dict[str, object]) -> list[tuple[str, str]]:
    paths = spec["paths"]
    assert isinstance(paths, dict)
    found = []
    for path, operations in paths.items():
        for method in operations:
            concrete = re.sub(r"\{[^}]+\}", "x", path)
            found.append((method.upper(), concrete))
    return found


def test_openapi_lists_kestra_paths(live: LiveServer) -> None:
    response = live.client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    spec = response.json()
    assert spec["info"]["title"] == "Tiercel"
    paths = spec["paths"]
    for path in (
        "/api/v1/main/flows",
        "/api/v1/main/executions/{namespace}/{flow_id}",
        "/api/v1/main/namespaces/{namespace}/files",
        "/api/v1/main/namespaces/{namespace}/kv/{key}",
        "/api/v1/plugins/{cls}",
        "/api/v1/main/triggers/search",
        "/api/v1/main/triggers/backfill/pause",
    ):
        assert path in paths, path
    assert "get" in paths["/api/v1/main/triggers/search"]
    assert live.client.get("/api/docs").status_code == 200


def test_every_route_but_ping_and_webhooks_needs_credentials(secured: LiveServer) -> None:
    client = secured.client
    spec = client.get("/api/v1/openapi.json", auth=BASIC).json()
    checked = [*routes(spec), ("GET", "/metrics"), ("GET", "/api/v1/openapi.json")]
    assert len(checked) > 50
    for method, path in checked:
        if WEBHOOK.search(path):
            continue
        if path.endswith("/configs"):  # open: the web UI reads there whether to ask for them
            assert client.request(method, path).status_code == 200, path
            continue
        for headers in ({}, {"authorization": "Bearer wrong"}, {"authorization": "Basic !!"}):
            response = client.request(method, path, headers=headers)
            assert response.status_code == 401, (method, path, headers)
            assert response.json() == {"message": "Unauthorized"}
            assert response.headers["www-authenticate"].startswith("Basic")
        wrong_password = client.request(method, path, auth=httpx.BasicAuth("admin", "nope"))
        assert wrong_password.status_code == 401, (method, path)


def test_basic_auth_and_bearer_tokens_work(secured: LiveServer) -> None:
    client = secured.client
    deployed = client.post(
        "/api/v1/main/flows",
        content=HOOKED,
        headers={"content-type": "application/x-yaml", **BEARER},
    )
    assert deployed.status_code == 200, deployed.text
    for auth, headers in ((BASIC, {}), (None, BEARER)):
        flow = client.get("/api/v1/main/flows/company.team/hooked", auth=auth, headers=headers)
        assert flow.status_code == 200 and flow.json()["id"] == "hooked"
        kv = client.put(
            "/api/v1/main/namespaces/company.team/kv/k", content="1", auth=auth, headers=headers
        )
        assert kv.status_code == 200
        assert client.get("/api/v1/plugins", auth=auth, headers=headers).status_code == 200
        assert client.get("/metrics", auth=auth, headers=headers).status_code == 200
    assert client.get("/ping").text == "pong"
    hook = client.post("/api/v1/main/executions/webhook/company.team/hooked/k3y")
    assert hook.status_code == 200 and hook.json()["flowId"] == "hooked"
    legacy = client.post("/api/v1/executions/webhook/company.team/hooked/k3y")
    assert legacy.status_code == 200


def test_a_non_ascii_authorization_header_is_a_401(secured: LiveServer) -> None:
    # Header values arrive as Latin-1 text: bytes over 0x7f must be refused, not crash.
    user, password = next(iter(USERS.items()))
    headers = [
        b"Bearer t\xc3\xb6ken",
        b"Bearer \xff\xfe",
        b"Basic " + base64.b64encode(f"{user}:pässword".encode()),
        b"Basic " + base64.b64encode(f"{user}:{password}".encode()) + b"\xe9",
        b"Basic \xe9\xe9\xe9\xe9",
        b"Basic " + base64.b64encode(b"admin:\xff\xfe"),
        b"\xe9 \xe9",
    ]
    for value in headers:
        for method, path in (("GET", "/api/v1/main/flows/search"), ("GET", "/metrics")):
            response = secured.client.request(method, path, headers={"authorization": value})
            assert response.status_code == 401, (value, path, response.text)
            assert response.json() == {"message": "Unauthorized"}
    # The right credentials still work.
    ok = secured.client.get("/api/v1/main/flows/search", auth=BASIC)
    assert ok.status_code == 200
