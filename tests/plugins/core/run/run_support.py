"""Helpers for the tests that run tasks: a real ``WorkerRunContext`` on local storage and a
SQLite KV store, and a real HTTP server on loopback."""

import ssl
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter

from tiercel.model.execution import RunState, TaskRun
from tiercel.model.task import LogLevel
from tiercel.registry import default_registry
from tiercel.runtime.adapters import NamespaceKeyValues, TaskFiles
from tiercel.runtime.context import WorkerRunContext
from tiercel.sdk import AnyTask, Output, RunnableTask, State, output_values
from tiercel.storage import Database, LocalInternalStorage, SqlKVStore

NAMESPACE = "company.team"
FLOW_ID = "my_flow"
EXECUTION_ID = "5GkbXfVXYVfoD7aGhc7VJ9"
START = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)
EARLIER = f"kestra:///company/team/my-flow/executions/{EXECUTION_ID}/tasks/earlier/TR0/"
"""Where the files of an earlier task of the execution are."""

_TASK: TypeAdapter[Any] = TypeAdapter(AnyTask)


def load_task(data: dict[str, Any]) -> RunnableTask:
    """Validate a task mapping the way flow loading does."""
    task = _TASK.validate_python(data, context=default_registry().context())
    assert isinstance(task, RunnableTask)
    return task


@dataclass
class Harness:
    """The services a worker gives a task run, on files under a test's ``tmp_path``."""

    root: Path
    storage: LocalInternalStorage
    kv: SqlKVStore
    now: datetime = START
    logs: list[tuple[LogLevel, str]] = field(default_factory=list)

    def context(
        self,
        task_id: str = "task",
        *,
        run_id: str = "TR1",
        value: str | None = None,
        flow_id: str = FLOW_ID,
        outputs: dict[str, Any] | None = None,
        inputs: dict[str, Any] | None = None,
        trigger: dict[str, Any] | None = None,
    ) -> WorkerRunContext:
        """A run context for a run of ``task_id``, with the variables the engine gives."""
        run = TaskRun.model_construct(
            id=run_id,
            execution_id=EXECUTION_ID,
            namespace=NAMESPACE,
            flow_id=flow_id,
            task_id=task_id,
            value=value,
            state=RunState.start(State.RUNNING, self.now),
        )
        variables: dict[str, Any] = {
            "flow": {"id": flow_id, "namespace": NAMESPACE, "revision": 1, "tenantId": None},
            "execution": {
                "id": EXECUTION_ID,
                "startDate": "2024-06-01T12:00:00Z",
                "originalId": EXECUTION_ID,
                "state": "RUNNING",
            },
            "inputs": inputs or {},
            "vars": {},
            "labels": {},
            "outputs": outputs or {},
            "envs": {},
            "globals": {},
            "task": {"id": task_id, "type": "test"},
            "taskrun": {
                "id": run_id,
                "startDate": "2024-06-01T12:00:00Z",
                "attemptsCount": 0,
                "parentId": None,
                "value": value,
                "iteration": None,
            },
        }
        if trigger is not None:
            variables["trigger"] = trigger
        return WorkerRunContext(
            variables=variables,
            sink=lambda level, message: self.logs.append((level, message)),
            files=TaskFiles(self.storage, run),
            kv_store=lambda namespace: NamespaceKeyValues(self.kv, namespace, lambda: self.now),
            clock=lambda: self.now,
            namespace=NAMESPACE,
            work_root=self.root / "work",
        )

    def run(self, data: dict[str, Any], ctx: WorkerRunContext | None = None) -> Any:
        """Load a task from its mapping (``id`` defaults to ``task``) and run it; its outputs
        as a flow sees them (a typed ``Output`` as stored)."""
        task = load_task({"id": "task", **data})
        returned = task.run(ctx or self.context(task.id))
        return output_values(returned) if isinstance(returned, Output) else returned

    def put(self, name: str, data: bytes) -> str:
        """Store a file as an earlier task of the execution would; return its URI."""
        return self.storage.put(EARLIER + name, data)

    def read(self, uri: str) -> bytes:
        """The bytes stored at ``uri``."""
        return self.storage.read_bytes(uri)

    def value(self, key: str, namespace: str = NAMESPACE) -> Any:
        """The live value of a key, straight from the store."""
        entry = self.kv.get(namespace, key, now=self.now)
        return None if entry is None else entry.value


def open_harness(root: Path) -> Iterator[Harness]:
    """A fresh harness under ``root``; its database is closed at the end."""
    (root / "work").mkdir()
    db = Database.sqlite(root / "tiercel.db")
    try:
        yield Harness(root, LocalInternalStorage(root / "storage"), SqlKVStore(db))
    finally:
        db.close()


@dataclass(frozen=True)
class Received:
    """A request the test server received."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass(frozen=True)
class Reply:
    """What the test server answers."""

    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)


Route = Callable[[Received], Reply]


@dataclass
class Server:
    """A loopback HTTP server answering from a table of routes, recording what it received."""

    url: str
    routes: dict[str, Route]
    received: list[Received]

    def route(self, path: str, reply: Reply | Route) -> str:
        """Answer requests to ``path`` (query left out); return its full URL."""
        self.routes[path] = reply if callable(reply) else (lambda _request: reply)
        return self.url + path


def make_certificate(root: Path) -> ssl.SSLContext:
    """A server TLS context with a new self-signed certificate for ``localhost``."""
    cert, key = root / "cert.pem", root / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=localhost", "-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
    )  # fmt: skip
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    return context


def serve(context: ssl.SSLContext | None) -> Iterator[Server]:
    """Run a test server (HTTPS with ``context``) until the generator is closed."""
    routes: dict[str, Route] = {}
    received: list[Received] = []
    httpd = _QuietServer(("127.0.0.1", 0), _handler(routes, received))
    httpd.daemon_threads = True
    if context is not None:
        httpd.socket = context.wrap_socket(httpd.socket, server_side=True)
    thread = threading.Thread(target=httpd.serve_forever, args=(0.01,), daemon=True)
    thread.start()
    scheme = "https" if context else "http"
    try:
        yield Server(f"{scheme}://127.0.0.1:{httpd.server_address[1]}", routes, received)
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()


class _QuietServer(ThreadingHTTPServer):
    """Tests time out and hang up on purpose: a client gone is not an error to print."""

    def handle_error(self, request: Any, client_address: Any) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


def _handler(routes: dict[str, Route], received: list[Received]) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            pass  # keep the test output clean

        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            request = Received(
                self.command,
                self.path,
                {name.lower(): value for name, value in self.headers.items()},
                self.rfile.read(length),
            )
            received.append(request)
            route = routes.get(self.path.split("?")[0])
            reply = route(request) if route else Reply(404, b"no route")
            self.send_response(reply.status)
            for name, value in reply.headers.items():
                self.send_header(name, value)
            if "Content-Length" not in reply.headers:
                self.send_header("Content-Length", str(len(reply.body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(reply.body)

        do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = _serve

    return Handler
