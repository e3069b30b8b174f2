"""A real redis-server (Debian's) on a free loopback port, with a password, for the session."""

import shutil
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from tests.conftest import free_port

PASSWORD = "r3dis-s3cret"


@dataclass(frozen=True)
class RedisServer:
    """Where the test server listens."""

    port: int

    @property
    def url(self) -> str:
        return f"redis://:{PASSWORD}@127.0.0.1:{self.port}/0"

    def client(self) -> Any:
        import redis

        return redis.Redis(host="127.0.0.1", port=self.port, password=PASSWORD)


@pytest.fixture(scope="session")
def redis_server() -> Iterator[RedisServer]:
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.fail(
            "the Redis tests need redis-server: apt-get install redis-server", pytrace=False
        )
    port = free_port()
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--requirepass", PASSWORD, "--daemonize", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    server = RedisServer(port)
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                with server.client() as probe:
                    probe.ping()
                break
            except Exception:
                assert time.monotonic() < deadline, "redis-server did not start"
                time.sleep(0.05)
        yield server
    finally:
        process.terminate()
        process.wait(10)


@pytest.fixture
def redis_db(redis_server: RedisServer) -> Iterator[RedisServer]:
    """The server, emptied before the test."""
    with redis_server.client() as connection:
        connection.flushall()
    yield redis_server
