"""2,000 malformed requests spread over every route of the OpenAPI document, with and without
credentials, and some malformed at the HTTP level: never a 5xx, an error body that is not
JSON, a traceback in the server's log or a server that stops answering."""

import base64
import json
import random
import socket
from collections import Counter
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import httpx
import pytest

from tests.fuzz import mutator
from tests.fuzz.conftest import COUNTS, TOKEN, USERS, FuzzServer

REQUESTS = 2000
RAW_SHARE = 0.05
"""The share of requests sent malformed at the HTTP level, over a plain socket."""

NAMESPACE = "fuzz.team"

FLOW = f"""\
id: ok
namespace: {NAMESPACE}
inputs:
  - id: name
    type: STRING
    defaults: x
tasks:
  - id: say
    type: io.kestra.plugin.core.log.Log
    message: "hi {{{{ inputs.name }}}}"
triggers:
  - id: hook
    type: io.kestra.plugin.core.trigger.Webhook
    key: k3y
"""


@dataclass(frozen=True)
class Route:
    """One operation of the OpenAPI document."""

    method: str
    path: str
    path_params: tuple[str, ...]
    query_params: tuple[str, ...]
    body_model: bool


def _routes(document: dict[str, Any]) -> list[Route]:
    routes = []
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            params = operation.get("parameters", [])
            routes.append(
                Route(
                    method.upper(),
                    path,
                    tuple(p["name"] for p in params if p["in"] == "path"),
                    tuple(p["name"] for p in params if p["in"] == "query"),
                    "requestBody" in operation,
                )
            )
    return routes


def _auth(rng: random.Random) -> tuple[str, dict[str, str | bytes]]:
    """Credentials: valid (basic or bearer), none, or wrong in some way (non-ASCII bytes too)."""
    user, password = next(iter(USERS.items()))
    kinds: dict[str, str | bytes] = {
        "bearer": f"Bearer {TOKEN}",
        "basic": "Basic " + _b64(f"{user}:{password}"),
        "none": "",
        "wrong-token": "Bearer nope",
        "wrong-password": "Basic " + _b64(f"{user}:nope"),
        "not-base64": "Basic %%%",
        "empty-scheme": "Bearer",
        "unknown-scheme": "Digest abc",
        "non-ascii-token": f"Bearer {TOKEN}é".encode(),
        "non-ascii-basic": b"Basic " + f"{user}:pässword".encode(),
    }
    kind = rng.choice(["bearer", "basic", "bearer", "basic", *kinds])
    return kind, ({"Authorization": kinds[kind]} if kinds[kind] else {})


def _b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def _request(
    rng: random.Random, route: Route, known: dict[str, list[str]]
) -> tuple[str, str, dict[str, str], bytes | None, dict[str, str]]:
    """A malformed (or now and then a plausible) call of ``route``."""
    path = route.path
    for name in route.path_params:
        if rng.random() < 0.5:
            value = quote(mutator.choice(rng, known.get(name, ["x"])), safe="")
        else:
            value = mutator.choice(rng, mutator.HOSTILE_SEGMENTS)
        path = path.replace("{" + name + "}", value)
    query: dict[str, str] = {}
    for name in route.query_params:
        if rng.random() < 0.6:
            value = mutator.choice(rng, mutator.HOSTILE_QUERY_VALUES)
            if name == "wait" and value == "true":
                value = "maybe"  # an execution that never ends must not hold the run
            query[name] = value
    if rng.random() < 0.1:
        query[mutator.choice(rng, ["unknown", "x" * 300, "page"])] = "1"
    headers: dict[str, str] = {}
    body: bytes | None = None
    if route.body_model and rng.random() < 0.5:
        body = mutator.choice(rng, mutator.MODEL_BODIES)
        headers["content-type"] = "application/json"
    elif route.method in ("POST", "PUT", "DELETE") or rng.random() < 0.05:
        body, content_type = mutator.random_body(rng)
        if content_type is not None:
            headers["content-type"] = content_type
    if rng.random() < 0.1:
        # Header values as a client can send them (ASCII, no NUL); others go over raw sockets.
        value = mutator.choice(rng, mutator.HOSTILE_QUERY_VALUES)
        if value.isascii() and "\x00" not in value:
            name = mutator.choice(rng, ["ttl", "description", "accept", "x-forwarded-for"])
            headers[name] = value
    return route.method, path, query, body, headers


RAW_REQUESTS = [
    b"GET /ping HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n",
    b"POST /api/v1/main/flows HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n",
    b"POST /api/v1/main/flows HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\n"
    b"Content-Length: 2\r\n\r\n",
    b"GET /ping HTTP/1.1\r\nHost: x\r\nX-Bad: a\x00b\r\n\r\n",
    b"GET /ping HTTP/1.1\r\nHost: x\r\nX-Bad: a\rb\r\n\r\n",
    b"GET /ping HTTP/1.1\r\n\r\n",
    b"GET /ping\r\n\r\n",
    b"NOT A REQUEST\r\n\r\n",
    b"GET /p\x00ng HTTP/1.1\r\nHost: x\r\n\r\n",
    b"GET /api/v1/main/flows/\xff\xfe HTTP/1.1\r\nHost: x\r\n\r\n",
    b"POST /api/v1/main/flows HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n",
    b"POST /api/v1/main/flows HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
    b"GET http://evil/ping HTTP/1.1\r\nHost: x\r\n\r\n",
    b"GET /ping HTTP/9.9\r\nHost: x\r\n\r\n",
    b"G\x01T /ping HTTP/1.1\r\nHost: x\r\n\r\n",
    b"GET /ping HTTP/1.1\r\nHost: x\r\n" + b"X-Long: " + b"a" * 70_000 + b"\r\n\r\n",
    b"POST /api/v1/main/flows/validate HTTP/1.1\r\nHost: x\r\nContent-Type: \xff/\xff\r\n"
    b"Authorization: Bearer " + TOKEN.encode() + b"\r\nContent-Length: 2\r\n\r\nid",
    b"GET /api/v1/main/flows/search HTTP/1.1\r\nHost: x\r\nAccept: \xe9\r\n\r\n",
]


def _raw(port: int, data: bytes) -> bytes:
    # The server keeps a good connection open: ask it to close after answering, so that the
    # end of the answer is the end of the connection.
    line, sep, rest = data.partition(b"\r\n")
    data = line + sep + b"Connection: close\r\n" + rest if sep else data
    with socket.create_connection(("127.0.0.1", port), timeout=15) as conn:
        conn.sendall(data)
        received = b""
        try:
            while chunk := conn.recv(65536):
                received += chunk
        except ConnectionResetError:
            pass
    return received


def _check_raw(received: bytes) -> str | None:
    """What is wrong with a raw answer, or None: no answer (a closed connection) is fine
    for bytes that are not HTTP; an answer is a non-5xx, and a JSON body if an error."""
    if not received:
        return None
    head, _, body = received.partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    if status >= 500:
        return f"status {status}"
    if status >= 400 and b"application/json" not in head.lower():
        return f"status {status} without JSON: {received[:200]!r}"
    if status >= 400:
        json.loads(body)
    return None


@pytest.fixture(scope="module")
def known(fuzz_server: FuzzServer) -> dict[str, list[str]]:
    """Names that exist, so that part of the calls get past the 404s."""
    client = fuzz_server.client
    deployed = client.post(
        "/api/v1/main/flows", content=FLOW, headers={"content-type": "application/x-yaml"}
    )
    assert deployed.status_code == 200, deployed.text
    created = client.post(f"/api/v1/main/executions/{NAMESPACE}/ok", params={"wait": True})
    assert created.status_code == 200, created.text
    return {
        "namespace": [NAMESPACE, "fuzz"],
        "flow_id": ["ok"],
        "execution_id": [created.json()["id"]],
        "key": ["k3y", "somekey"],
        "trigger_id": ["hook"],
        "cls": ["io.kestra.plugin.core.log.Log"],
        "schema_type": ["flow", "template", "task"],
    }


def test_malformed_requests_on_every_route(
    fuzz_server: FuzzServer, known: dict[str, list[str]]
) -> None:
    client = fuzz_server.client
    document = client.get("/api/v1/openapi.json").json()
    routes = _routes(document)
    assert len(routes) > 40
    port = int(fuzz_server.url.rsplit(":", 1)[1])
    rng = random.Random(mutator.SEED)
    statuses: Counter[int] = Counter()
    per_route: Counter[str] = Counter()
    auth_kinds: Counter[str] = Counter()
    problems: list[str] = []
    raw = 0
    bare = httpx.Client(base_url=fuzz_server.url, timeout=30)
    try:
        for case in range(REQUESTS):
            if rng.random() < RAW_SHARE:
                raw += 1
                data = mutator.choice(rng, RAW_REQUESTS)
                trouble = _check_raw(_raw(port, data))
                if trouble:
                    problems.append(f"case {case}: raw {data[:60]!r}: {trouble}")
                continue
            route = mutator.choice(rng, routes)
            method, path, query, body, headers = _request(rng, route, known)
            kind, auth = _auth(rng)
            auth_kinds[kind] += 1
            per_route[f"{route.method} {route.path}"] += 1
            request = bare.build_request(
                method, path, params=query, content=body, headers={**headers, **auth}
            )
            response = bare.send(request, stream=True)
            try:
                if response.headers.get("content-type", "").startswith("text/event-stream"):
                    content = b""  # a follow stream: its headers are the answer
                else:
                    content = response.read()
            finally:
                response.close()
            statuses[response.status_code] += 1
            trouble = _check(response.status_code, response.headers, content)
            if trouble:
                problems.append(f"case {case}: {method} {path[:120]} {kind}: {trouble}")
    finally:
        bare.close()
    tracebacks = fuzz_server.tracebacks.records
    COUNTS["api: requests"] += REQUESTS
    COUNTS["api: routes in the OpenAPI document"] += len(routes)
    COUNTS["api: routes hit"] += len(per_route)
    COUNTS["api: raw HTTP-level malformed requests"] += raw
    COUNTS["api: requests with valid credentials"] += auth_kinds["bearer"] + auth_kinds["basic"]
    COUNTS["api: requests without or with wrong credentials"] += sum(
        n for kind, n in auth_kinds.items() if kind not in ("bearer", "basic")
    )
    COUNTS["api: 2xx"] += sum(n for status, n in statuses.items() if status < 300)
    COUNTS["api: 4xx"] += sum(n for status, n in statuses.items() if 400 <= status < 500)
    COUNTS["api: 5xx"] += sum(n for status, n in statuses.items() if status >= 500)
    COUNTS["api: problems (5xx, non-JSON error bodies)"] += len(problems)
    COUNTS["api: server tracebacks"] += len(tracebacks)
    assert problems == [], "\n".join(problems[:20])
    assert tracebacks == [], [r.getMessage() for r in tracebacks][:5]
    assert len(per_route) == len(routes), set(f"{r.method} {r.path}" for r in routes) - set(
        per_route
    )
    # Still up, and still running flows.
    assert client.get("/ping").text == "pong"
    after = client.post(f"/api/v1/main/executions/{NAMESPACE}/ok", params={"wait": True})
    assert after.status_code in (200, 404, 422), after.text  # the flow may have been changed
    COUNTS["api: server answering afterwards"] += 1


def _check(status: int, headers: httpx.Headers, content: bytes) -> str | None:
    if status >= 500:
        return f"status {status}: {content[:300]!r}"
    if status < 400:
        return None
    if not headers.get("content-type", "").startswith("application/json"):
        return f"status {status} without JSON: {content[:200]!r}"
    try:
        body = json.loads(content)
    except ValueError:
        return f"status {status}, body not JSON: {content[:200]!r}"
    if not isinstance(body, dict) or not isinstance(body.get("message"), str):
        return f"status {status}, no message: {content[:200]!r}"
    return None
