"""``io.kestra.plugin.core.http.Trigger`` evaluated against a real server on 127.0.0.1."""

import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, BinaryIO

import pytest
from pydantic import TypeAdapter

from tiercel.expr import render_value
from tiercel.model.task import LogLevel
from tiercel.registry import default_registry
from tiercel.sdk import AnyTrigger, PollingTrigger, TaskFailure

TYPE = "io.kestra.plugin.core.http.Trigger"
_TRIGGER: TypeAdapter[Any] = TypeAdapter(AnyTrigger)


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Server:
    url: str
    replies: dict[str, Reply]
    seen: list[tuple[str, str, bytes]]


@pytest.fixture
def server() -> Iterator[Server]:
    replies: dict[str, Reply] = {}
    seen: list[tuple[str, str, bytes]] = []

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            pass

        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            seen.append((self.command, self.path, self.rfile.read(length)))
            reply = replies.get(self.path, Reply(404, b"not here"))
            self.send_response(reply.status)
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(reply.body)))
            self.end_headers()
            self.wfile.write(reply.body)

        do_GET = do_POST = _answer

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, args=(0.01,), daemon=True)
    thread.start()
    try:
        yield Server(f"http://127.0.0.1:{httpd.server_address[1]}", replies, seen)
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()


@dataclass
class Context:
    """A minimal ``TriggerContext``."""

    namespace: str = "company.team"
    flow_id: str = "poller"
    trigger_id: str = "http"
    state: dict[str, Any] = field(default_factory=dict)
    logs: list[tuple[LogLevel, str]] = field(default_factory=list)

    def now(self) -> datetime:
        return datetime(2024, 6, 1, 12, tzinfo=UTC)

    def render(self, value: Any, extra: Mapping[str, Any] | None = None) -> Any:
        flow = {"namespace": self.namespace, "id": self.flow_id}
        return render_value(value, {"flow": flow, **(extra or {})})

    def log(self, level: LogLevel, message: str) -> None:
        self.logs.append((level, message))

    def put_file(self, name: str, data: bytes | BinaryIO) -> str:
        raise AssertionError("the HTTP trigger stores no file")

    def allowed_path(self, path: str) -> bool:
        return False


def trigger(**props: Any) -> PollingTrigger:
    loaded = _TRIGGER.validate_python(
        {"id": "http", "type": TYPE, **props}, context=default_registry().context()
    )
    assert isinstance(loaded, PollingTrigger)
    return loaded


def test_the_default_condition_fires_on_a_success_with_kestra_outputs(server: Server) -> None:
    server.replies["/price"] = Reply(200, b'{"price": 99}', {"Content-Type": "application/json"})
    (emission,) = trigger(uri=server.url + "/price").evaluate(Context())
    outputs = emission.variables
    assert outputs["uri"] == server.url + "/price"
    assert outputs["code"] == 200
    assert outputs["body"] == '{"price": 99}'
    assert outputs["headers"]["Content-Type"] == ["application/json"]
    assert server.seen == [("GET", "/price", b"")]


def test_the_default_condition_does_not_fire_on_an_error_code(server: Server) -> None:
    server.replies["/down"] = Reply(503, b"maintenance")
    assert trigger(uri=server.url + "/down").evaluate(Context()) == []


def test_a_condition_on_the_body_decides(server: Server) -> None:
    condition = "{{ json(response.body).price <= 110 }}"
    server.replies["/price"] = Reply(200, b'{"price": 120}')
    assert trigger(uri=server.url + "/price", responseCondition=condition).evaluate(Context()) == []
    server.replies["/price"] = Reply(200, b'{"price": 100}')
    (emission,) = trigger(uri=server.url + "/price", responseCondition=condition).evaluate(
        Context()
    )
    assert emission.variables["body"] == '{"price": 100}'


def test_a_condition_may_accept_an_error_code(server: Server) -> None:
    server.replies["/gone"] = Reply(410, b"it's \\ gone {{ not.an.expression }}")
    (emission,) = trigger(
        uri=server.url + "/gone", responseCondition="{{ response.statusCode == 410 }}"
    ).evaluate(Context())
    assert emission.variables["code"] == 410
    assert emission.variables["body"] == "it's \\ gone {{ not.an.expression }}"


def test_a_condition_sees_the_headers(server: Server) -> None:
    server.replies["/ready"] = Reply(200, b"", {"X-Ready": "yes"})
    condition = "{{ response.headers['X-Ready'][0] == 'yes' and response.body is empty }}"
    assert len(trigger(uri=server.url + "/ready", responseCondition=condition).evaluate(Context()))
    server.replies["/ready"] = Reply(200, b"", {"X-Ready": "no"})
    assert trigger(uri=server.url + "/ready", responseCondition=condition).evaluate(Context()) == []


def test_the_request_is_sent_as_described(server: Server) -> None:
    server.replies["/hook"] = Reply(201, b"ok")
    (emission,) = trigger(
        uri=server.url + "/hook", method="POST", body='{"from": "{{ flow.id }}"}'
    ).evaluate(Context())
    assert emission.variables["code"] == 201
    assert server.seen == [("POST", "/hook", b'{"from": "poller"}')]


def test_an_unreachable_endpoint_is_a_failed_evaluation(server: Server) -> None:
    with pytest.raises(TaskFailure, match="Failed http request"):
        trigger(
            uri="http://127.0.0.1:9/nothing", options={"timeout": {"connectTimeout": "PT1S"}}
        ).evaluate(Context())


def test_the_interval_defaults_to_a_minute() -> None:
    assert trigger(uri="http://example.com").interval == timedelta(seconds=60)
