"""The fuzz suite's server, its traceback counter and the counts it reports at the end of the
run (in pytest's summary, so that they show without ``-s``)."""

import logging
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
import uvicorn

from tests.conftest import free_port
from tiercel.api.serving import uvicorn_config
from tiercel.wiring.server import Server, ServerConfig, running_server

USERS = {"fuzz": "p4ss"}
TOKEN = "fuzz-t0ken"

COUNTS: Counter[str] = Counter()
"""What the fuzz tests threw and what came back, printed at the end of the session."""


class TracebackCounter(logging.Handler):
    """Counts every log record carrying an exception (a traceback in the server's log)."""

    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.exc_info or record.exc_text:
            self.records.append(record)


@dataclass
class FuzzServer:
    """A live server with authentication, and what its log showed."""

    server: Server
    url: str
    tracebacks: TracebackCounter
    client: httpx.Client = field(init=False)

    def __post_init__(self) -> None:
        self.client = httpx.Client(
            base_url=self.url, timeout=30, headers={"Authorization": f"Bearer {TOKEN}"}
        )


@pytest.fixture(scope="module")
def fuzz_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FuzzServer]:
    data: Path = tmp_path_factory.mktemp("fuzz")
    config = ServerConfig(
        data_dir=data, threads=4, users=dict(USERS), tokens=frozenset({TOKEN}), port=free_port()
    )
    counter = TracebackCounter()
    root = logging.getLogger()
    root.addHandler(counter)
    try:
        with running_server(config) as server:
            api = uvicorn.Server(
                uvicorn_config(server.app, "127.0.0.1", config.port, log_level="warning")
            )
            thread = threading.Thread(target=api.run, daemon=True)
            thread.start()
            deadline = time.monotonic() + 20
            while not api.started:
                assert time.monotonic() < deadline, "the API did not start"
                time.sleep(0.01)
            live = FuzzServer(server, f"http://127.0.0.1:{config.port}", counter)
            try:
                yield live
            finally:
                live.client.close()
                api.should_exit = True
                thread.join(10)
    finally:
        root.removeHandler(counter)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not COUNTS:
        return
    terminalreporter.section("fuzz counts")
    for name in sorted(COUNTS):
        terminalreporter.write_line(f"{name}: {COUNTS[name]}")
