"""``memory.PostgreSQL`` and ``memory.Redis`` on real servers (the session's PostgreSQL, and
a redis-server started here without a password, as Kestra's Redis memory takes only a host
and a port). The model is the scripted OpenAI stand-in of test_ai_tools."""

import json
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy.engine import make_url
from tests.conftest import free_port
from tests.plugins.ai.model_servers import stand_in
from tests.plugins.ai.test_ai_tools import answer, provider, scripted
from tests.plugins.flow_support import RunFlow


@pytest.fixture(scope="module")
def redis_port() -> Iterator[int]:
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.fail("the Redis memory test needs redis-server", pytrace=False)
    port = free_port()
    server = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) == 0:
                    break
            assert time.monotonic() < deadline, "redis-server did not start"
            time.sleep(0.05)
        yield port
    finally:
        server.terminate()
        server.wait(10)


def conversation(run_flow: RunFlow, memory: str) -> tuple[list[Any], Any]:
    """Two agent turns sharing ``memory``; the second request's messages, and the run."""
    with stand_in(scripted(answer("Hello John."), answer("You are John."))) as model:
        finished = run_flow(f"""
            id: chat_memory
            namespace: company.ai
            tasks:
              - id: first
                type: io.kestra.plugin.ai.agent.AIAgent
                {provider(model.url)}
                prompt: I am John.
                memory: {memory}
              - id: second
                type: io.kestra.plugin.ai.agent.AIAgent
                {provider(model.url)}
                prompt: Who am I?
                memory: {memory}
            """)
    assert finished.execution.state.current.value == "SUCCESS", finished.logs
    return model.requests[1][2]["messages"], finished


EXPECTED = [
    {"role": "user", "content": "I am John."},
    {"role": "assistant", "content": "Hello John."},
    {"role": "user", "content": "Who am I?"},
]
STORED = [
    {"contents": [{"text": "I am John.", "type": "TEXT"}], "type": "USER"},
    {"text": "Hello John.", "type": "AI"},
    {"contents": [{"text": "Who am I?", "type": "TEXT"}], "type": "USER"},
    {"text": "You are John.", "type": "AI"},
]


def test_postgresql_memory_carries_the_conversation(run_flow: RunFlow, postgres_url: str) -> None:
    url = make_url(postgres_url)
    memory = (f"{{type: io.kestra.plugin.ai.memory.PostgreSQL, host: {url.host}, "
              f"port: {url.port}, database: {url.database}, user: {url.username}, "
              f"password: '{url.password}', memoryId: chat-pg, tableName: memories}}")  # fmt: skip
    second, finished = conversation(run_flow, memory)
    assert second == EXPECTED
    import psycopg

    with psycopg.connect(host=url.host, port=url.port, dbname=url.database, user=url.username,
                         password=url.password) as conn:  # fmt: skip
        (stored, expires) = conn.execute(
            "SELECT memory_json, expires_at FROM memories WHERE memory_id = 'chat-pg'"
        ).fetchone() or (None, None)
    assert json.loads(stored) == STORED  # langchain4j's JSON, as Kestra writes it
    assert expires is not None
    assert all(str(url.password) not in line.message for line in finished.logs)


def test_postgresql_memory_unreachable_fails_in_one_line_without_the_password(
    run_flow: RunFlow,
) -> None:
    secret = "Pg-Secret-1234"
    port = free_port()
    memory = (f"{{type: io.kestra.plugin.ai.memory.PostgreSQL, host: 127.0.0.1, port: {port}, "
              f"database: db, user: kestra, password: '{secret}', memoryId: chat-pg}}")  # fmt: skip
    with stand_in(scripted(answer("unused"))) as model:
        finished = run_flow(f"""
            id: chat_memory_bad
            namespace: company.ai
            tasks:
              - id: agent
                type: io.kestra.plugin.ai.agent.AIAgent
                {provider(model.url)}
                prompt: Hi.
                memory: {memory}
            """)
    assert finished.execution.state.current.value == "FAILED"
    errors = [line.message for line in finished.logs if line.level.value == "ERROR"]
    assert errors and errors[-1].startswith("Unable to connect to PostgreSQL at 127.0.0.1")
    assert all(secret not in line.message for line in finished.logs)
    assert all("\n" not in e for e in errors)
    assert not model.requests


def test_redis_memory_carries_the_conversation(run_flow: RunFlow, redis_port: int) -> None:
    memory = (f"{{type: io.kestra.plugin.ai.memory.Redis, host: 127.0.0.1, port: {redis_port}, "
              "memoryId: chat-redis, ttl: PT5M}")  # fmt: skip
    second, _ = conversation(run_flow, memory)
    assert second == EXPECTED
    import redis

    with redis.Redis(host="127.0.0.1", port=redis_port) as client:
        assert json.loads(client.get("chat-redis") or b"[]") == STORED
        assert 0 < client.ttl("chat-redis") <= 300


def test_redis_memory_unreachable_fails_in_one_line(run_flow: RunFlow) -> None:
    port = free_port()
    memory = f"{{type: io.kestra.plugin.ai.memory.Redis, host: 127.0.0.1, port: {port}}}"
    with stand_in(scripted(answer("unused"))) as model:
        finished = run_flow(f"""
            id: chat_memory_gone
            namespace: company.ai
            tasks:
              - id: agent
                type: io.kestra.plugin.ai.agent.AIAgent
                {provider(model.url)}
                prompt: Hi.
                memory: {memory}
            """)
    assert finished.execution.state.current.value == "FAILED"
    errors = [line.message for line in finished.logs if line.level.value == "ERROR"]
    assert errors[-1].startswith(f"Failed to load chat memory (Redis at 127.0.0.1:{port}):")
    assert not model.requests
