"""The HTTP MCP clients (``tool.SseMcpClient``, ``tool.StreamableHttpMcpClient``) and the
``mcp.ListTools`` / ``mcp.CallTool`` tasks, against a real MCP server built on the official SDK
(tests/plugins/ai/mcp_server.py), started on a free port for each transport, behind a bearer
token. The model of the agent tests is the scripted OpenAI stand-in of test_ai_tools."""

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any

import pytest
from tests.conftest import free_port
from tests.plugins.ai.model_servers import ROOT, stand_in
from tests.plugins.ai.test_ai_tools import KEY, answer, provider, scripted
from tests.plugins.flow_support import RunFlow

TOKEN = "mcp-Token-Secret-5555"
TRANSPORTS = ("sse", "streamable-http")


def listening(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


@pytest.fixture(scope="module", params=TRANSPORTS)
def mcp_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """A real MCP server on one transport: its endpoint URL."""
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "tests.plugins.ai.mcp_server", request.param, str(port)],
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", "MCP_TOKEN": TOKEN, "GREETING": "bonjour"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 120
        while not listening(port):
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                _, errors = server.communicate()
                pytest.fail(f"the MCP server did not start: {errors.decode()[-2000:]}")
            time.sleep(0.2)
        yield f"http://127.0.0.1:{port}/{'sse' if request.param == 'sse' else 'mcp'}"
    finally:
        server.terminate()
        server.wait(10)
        if server.stderr is not None:
            server.stderr.close()


def tool_client(url: str, token: str = TOKEN) -> str:
    """The ``tools:`` entry for the server's transport."""
    if url.endswith("/sse"):
        return f"{{type: io.kestra.plugin.ai.tool.SseMcpClient, sseUrl: '{url}', logRequests: true, logResponses: true, headers: {{Authorization: 'Bearer {token}'}}}}"  # noqa: E501
    return f"{{type: io.kestra.plugin.ai.tool.StreamableHttpMcpClient, url: '{url}', logRequests: true, logResponses: true, headers: {{Authorization: 'Bearer {token}'}}}}"  # noqa: E501


def mcp_task(kind: str, url: str, extra: str = "", token: str = TOKEN) -> str:
    transport = "SSE" if url.endswith("/sse") else "STREAMABLE_HTTP"
    return f"""
        id: mcp_{kind.lower()}
        namespace: company.ai
        tasks:
          - id: mcp
            type: io.kestra.plugin.ai.mcp.{kind}
            url: {url}
            transport: {transport}
            headers:
              Authorization: "Bearer {token}"
            {extra}
        """


def errors_of(finished: Any) -> list[str]:
    return [line.message for line in finished.logs if line.level.value == "ERROR"]


def test_agent_calls_the_tools_of_an_http_mcp_server(run_flow: RunFlow, mcp_url: str) -> None:
    script = scripted(
        answer(calls=[("add", {"a": 2, "b": 40}), ("greeting", {})]),
        answer("2 + 40 = 42, and bonjour."),
    )
    with stand_in(script) as stand:
        finished = run_flow(f"""
            id: agent_http_mcp
            namespace: company.ai
            tasks:
              - id: agent
                type: io.kestra.plugin.ai.agent.AIAgent
                {provider(stand.url)}
                prompt: Add 2 and 40, then greet.
                tools:
                  - {tool_client(mcp_url)}
            """)
    assert finished.execution.state.current.value == "SUCCESS", errors_of(finished)
    tools = {tool["function"]["name"]: tool["function"] for tool in stand.requests[0][2]["tools"]}
    assert set(tools) == {"add", "greeting", "explode"}
    assert tools["add"]["parameters"]["required"] == ["a", "b"]
    results = [m for m in stand.requests[1][2]["messages"] if m["role"] == "tool"]
    assert [m["content"] for m in results] == ["42", "bonjour"]
    outputs = finished.outputs["agent"]
    assert [e["result"] for e in outputs["toolExecutions"]] == ["42", "bonjour"]
    logged = [line.message for line in finished.logs if line.message.startswith("MCP request")]
    assert any('"tools/call"' in line and '"add"' in line for line in logged), logged
    answers = [line.message for line in finished.logs if line.message.startswith("MCP response")]
    assert any('"text":"42"' in line for line in answers), answers
    assert all(TOKEN not in line.message for line in finished.logs)


def test_list_tools_gives_the_catalogue(run_flow: RunFlow, mcp_url: str) -> None:
    finished = run_flow(mcp_task("ListTools", mcp_url))
    assert finished.execution.state.current.value == "SUCCESS", errors_of(finished)
    outputs = finished.outputs["mcp"]
    assert outputs["count"] == 3
    tools = {tool["name"]: tool for tool in outputs["tools"]}
    assert tools["add"]["description"] == "Add two integers."
    assert set(tools["add"]["parameters"]["properties"]) == {"a", "b"}


def test_call_tool_returns_the_result(run_flow: RunFlow, mcp_url: str) -> None:
    call = "tool: add\n            arguments: {a: 5, b: 12}"
    finished = run_flow(mcp_task("CallTool", mcp_url, call))
    assert finished.execution.state.current.value == "SUCCESS", errors_of(finished)
    outputs = finished.outputs["mcp"]
    assert outputs["result"] == "17"
    assert outputs["isError"] is False
    assert outputs["structuredContent"] == {"result": 17}


def test_call_tool_error_reported_or_failing(run_flow: RunFlow, mcp_url: str) -> None:
    call = "tool: explode\n            arguments: {reason: boom}"
    reported = run_flow(
        mcp_task("CallTool", mcp_url, call + "\n            failOnToolError: false")
    )
    assert reported.execution.state.current.value == "SUCCESS", errors_of(reported)
    outputs = reported.outputs["mcp"]
    assert outputs["isError"] is True and "exploded: boom" in outputs["errorMessage"]
    failed = run_flow(mcp_task("CallTool", mcp_url, call))
    assert failed.execution.state.current.value == "FAILED"
    (error,) = errors_of(failed)
    assert error.startswith("MCP tool 'explode' returned an error:") and "exploded: boom" in error


def test_wrong_token_fails_in_one_line_without_it(run_flow: RunFlow, mcp_url: str) -> None:
    wrong = "wrong-Token-Secret-0000"
    finished = run_flow(mcp_task("ListTools", mcp_url, token=wrong))
    assert finished.execution.state.current.value == "FAILED"
    (error,) = errors_of(finished)
    assert error.startswith(f"MCP server {mcp_url}: connect failed:"), error
    assert "401" in error and "\n" not in error
    assert all(wrong not in line.message for line in finished.logs)


@pytest.mark.parametrize("kind", ["sse", "streamable-http"])
def test_unreachable_server_fails_in_one_line(run_flow: RunFlow, kind: str) -> None:
    url = f"http://127.0.0.1:{free_port()}/{'sse' if kind == 'sse' else 'mcp'}"
    with stand_in(scripted(answer("unused"))) as stand:
        finished = run_flow(f"""
            id: agent_no_mcp
            namespace: company.ai
            tasks:
              - id: agent
                type: io.kestra.plugin.ai.agent.AIAgent
                {provider(stand.url)}
                prompt: Go.
                tools:
                  - {tool_client(url)}
            """)
    assert finished.execution.state.current.value == "FAILED"
    (error,) = errors_of(finished)
    assert error.startswith(f"MCP server {url}: connect failed:"), error
    assert "\n" not in error and KEY not in error and TOKEN not in error
    assert not stand.requests
