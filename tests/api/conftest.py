"""A real server for the API tests: executor, workers and API, over HTTP on a free port."""

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import uvicorn
from tests.conftest import free_port

from tiercel.api.serving import uvicorn_config
from tiercel.wiring.server import Server, ServerConfig, running_server


class LiveServer:
    """A server listening on localhost, and a client for it."""

    def __init__(self, server: Server, url: str) -> None:
        self.server = server
        self.url = url
        self.client = httpx.Client(base_url=url, timeout=30)

    def deploy(self, source: str) -> dict[str, object]:
        response = self.client.post(
            "/api/v1/main/flows", content=source, headers={"content-type": "application/x-yaml"}
        )
        assert response.status_code == 200, response.text
        body: dict[str, object] = response.json()
        return body

    def wait_ended(self, execution_id: str, timeout: float = 20) -> dict[str, object]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            body: dict[str, object] = self.client.get(
                f"/api/v1/main/executions/{execution_id}"
            ).json()
            state = body["state"]
            assert isinstance(state, dict)
            if state["current"] in ("SUCCESS", "WARNING", "FAILED", "KILLED", "CANCELLED"):
                return body
            time.sleep(0.05)
        raise AssertionError(f"execution {execution_id} did not end in {timeout}s")


def start_live(config: ServerConfig) -> Iterator[LiveServer]:
    config.port = free_port()
    with running_server(config) as server:
        api = uvicorn.Server(
            uvicorn_config(server.app, "127.0.0.1", config.port, log_level="warning")
        )
        thread = threading.Thread(target=api.run, daemon=True)
        thread.start()
        deadline = time.monotonic() + 10
        while not api.started:
            assert time.monotonic() < deadline, "the API did not start"
            time.sleep(0.01)
        live = LiveServer(server, f"http://127.0.0.1:{config.port}")
        try:
            yield live
        finally:
            live.client.close()
            api.should_exit = True
            thread.join(10)


@pytest.fixture
def live(tmp_path: Path) -> Iterator[LiveServer]:
    yield from start_live(ServerConfig(data_dir=tmp_path / "data", threads=8))


USERS = {"admin": "s3cret"}
TOKEN = "t0ken-abc"


@pytest.fixture
def secured(tmp_path: Path) -> Iterator[LiveServer]:
    """A server that asks for basic auth (``USERS``) or a bearer token (``TOKEN``)."""
    config = ServerConfig(
        data_dir=tmp_path / "data", threads=2, users=dict(USERS), tokens=frozenset({TOKEN})
    )
    yield from start_live(config)
