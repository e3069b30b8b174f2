"""AIAgent's tools (KestraTask, KestraFlow) and memory, through the function-calling loop.

The model is a stand-in OpenAI server that answers a scripted conversation: SmolLM2 (135M)
does not call tools reliably, and the loop is what is under test here. The tasks, the flows,
the KV store and the Tiercel server the KestraFlow tool calls are all real."""

import importlib.util
import json
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.api.conftest import LiveServer, start_live
from tests.conftest import in_ci
from tests.plugins.ai.model_servers import StandIn, stand_in
from tests.plugins.flow_support import RunFlow

from tiercel.wiring.server import ServerConfig

KEY = "sk-tools-Secret-1234"
Handler = Callable[[str, dict[str, str], dict[str, Any]], tuple[int, Any, dict[str, str]]]


def answer(
    text: str | None = None, calls: list[tuple[str, dict[str, Any]]] | None = None
) -> dict[str, Any]:
    """An OpenAI chat answer: text, or tool calls (name, arguments)."""
    message: dict[str, Any] = {"role": "assistant", "content": text}
    if calls:
        message["tool_calls"] = [
            {"id": f"call_{n}", "type": "function",
             "function": {"name": name, "arguments": json.dumps(arguments)}}
            for n, (name, arguments) in enumerate(calls)
        ]  # fmt: skip
    return {"id": "chatcmpl-x", "choices": [{"index": 0, "message": message,
            "finish_reason": "tool_calls" if calls else "stop"}],
            "usage": {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15}}  # fmt: skip


def scripted(*answers: dict[str, Any]) -> Handler:
    """A stand-in model that gives these answers in turn (the last one again after them)."""
    queue = list(answers)

    def handle(path: str, headers: dict[str, str], body: dict[str, Any]) -> Any:
        if headers.get("authorization") != f"Bearer {KEY}":
            return 401, {"error": {"message": "Incorrect API key provided"}}, {}
        if path.endswith("/embeddings"):  # the same unit vector for every text
            data = [{"index": n, "embedding": [1.0, 0.0]} for n, _ in enumerate(body["input"])]
            return 200, {"data": data}, {}
        return 200, queue.pop(0) if len(queue) > 1 else queue[0], {}

    return handle


@pytest.fixture
def model() -> Iterator[Callable[..., StandIn]]:
    """Start the stand-in with a script; stopped at the end of the test."""
    servers: list[Any] = []

    def start(*answers: dict[str, Any]) -> StandIn:
        context = stand_in(scripted(*answers))
        servers.append(context)
        return context.__enter__()

    yield start
    for context in servers:
        context.__exit__(None, None, None)


def provider(url: str) -> str:
    """The ``provider`` property, on one line: OpenAI's API at the stand-in."""
    return (f"provider: {{type: io.kestra.plugin.ai.provider.OpenAI, baseUrl: '{url}', "
            f"apiKey: {KEY}, modelName: gpt-4o-mini}}")  # fmt: skip


def test_agent_calls_a_task_and_answers_with_its_output(
    run_flow: RunFlow, model: Callable[..., StandIn]
) -> None:
    stand = model(
        answer(calls=[("kestra_task_greet", {"format": "Bonjour {{ 20 + 22 }}"})]),
        answer("The task said Bonjour 42."),
    )
    finished = run_flow(f"""
        id: agent_tools
        namespace: company.ai
        tasks:
          - id: agent
            type: io.kestra.plugin.ai.agent.AIAgent
            {provider(stand.url)}
            prompt: Greet in French.
            tools:
              - type: io.kestra.plugin.ai.tool.KestraTask
                tasks:
                  - id: greet
                    type: io.kestra.plugin.core.debug.Return
                    format: "..."
                  - id: fixed
                    type: io.kestra.plugin.core.debug.Return
                    format: always the same
        """)
    assert finished.execution.state.current.value == "SUCCESS", finished.logs
    first, second = (body for _, _, body in stand.requests)
    tools = {tool["function"]["name"]: tool["function"] for tool in first["tools"]}
    assert set(tools) == {"kestra_task_greet", "kestra_task_fixed"}
    # The "..." property is the model's to fill; a property the flow set is not shown.
    assert list(tools["kestra_task_greet"]["parameters"]["properties"]) == ["format"]
    # Return's `format` is optional: asked for, not required (Kestra keeps the task's own).
    assert tools["kestra_task_greet"]["parameters"]["required"] == []
    assert tools["kestra_task_fixed"]["parameters"]["properties"] == {}
    call, result = second["messages"][-2:]
    assert call["role"] == "assistant" and call["tool_calls"][0]["id"] == "call_0"
    assert result["role"] == "tool" and result["tool_call_id"] == "call_0"
    assert json.loads(result["content"]) == {"value": "Bonjour 42"}
    outputs = finished.outputs["agent"]
    assert outputs["textOutput"] == "The task said Bonjour 42."
    assert outputs["finishReason"] == "STOP"
    (execution,) = outputs["toolExecutions"]
    assert execution["requestName"] == "kestra_task_greet"
    assert execution["requestArguments"] == {"format": "Bonjour {{ 20 + 22 }}"}
    assert json.loads(execution["result"]) == {"value": "Bonjour 42"}
    (asked,) = outputs["intermediateResponses"]
    assert asked["finishReason"] == "TOOL_EXECUTION"
    assert asked["toolExecutionRequests"][0]["name"] == "kestra_task_greet"
    # Token usage adds up both calls of the turn.
    assert outputs["tokenUsage"] == {"inputTokenCount": 20, "outputTokenCount": 10,
                                     "totalTokenCount": 30}  # fmt: skip


def _agent_failure(run_flow: RunFlow, flow: str) -> str:
    finished = run_flow(flow)
    assert finished.execution.state.current.value == "FAILED"
    errors = [line.message for line in finished.logs if line.level.value == "ERROR"]
    assert errors, finished.logs
    assert all("\n" not in error and KEY not in error for error in errors)
    return errors[-1]


def test_max_sequential_tools_invocations_stops_a_looping_model(
    run_flow: RunFlow, model: Callable[..., StandIn]
) -> None:
    stand = model(answer(calls=[("kestra_task_greet", {})]))
    error = _agent_failure(
        run_flow,
        f"""
        id: agent_loops
        namespace: company.ai
        tasks:
          - id: agent
            type: io.kestra.plugin.ai.agent.AIAgent
            {provider(stand.url)}
            prompt: Loop.
            maxSequentialToolsInvocations: 2
            tools:
              - type: io.kestra.plugin.ai.tool.KestraTask
                tasks:
                  - id: greet
                    type: io.kestra.plugin.core.debug.Return
                    format: hi
        """,
    )
    assert "exceeded 2 sequential tool invocations" in error
    assert len(stand.requests) == 3


def test_a_tool_the_model_made_up_fails_the_task(
    run_flow: RunFlow, model: Callable[..., StandIn]
) -> None:
    stand = model(answer(calls=[("delete_everything", {})]))
    error = _agent_failure(
        run_flow,
        f"""
        id: agent_invents
        namespace: company.ai
        tasks:
          - id: agent
            type: io.kestra.plugin.ai.agent.AIAgent
            {provider(stand.url)}
            prompt: Go.
            tools:
              - type: io.kestra.plugin.ai.tool.KestraTask
                tasks:
                  - id: greet
                    type: io.kestra.plugin.core.debug.Return
                    format: hi
        """,
    )
    assert "'delete_everything' tool, but no such tool exists" in error


def test_kestra_task_refuses_a_flowable_task(
    run_flow: RunFlow, model: Callable[..., StandIn]
) -> None:
    stand = model(answer("unused"))
    error = _agent_failure(
        run_flow,
        f"""
        id: agent_flowable
        namespace: company.ai
        tasks:
          - id: agent
            type: io.kestra.plugin.ai.agent.AIAgent
            {provider(stand.url)}
            prompt: Go.
            tools:
              - type: io.kestra.plugin.ai.tool.KestraTask
                tasks:
                  - id: group
                    type: io.kestra.plugin.core.flow.Sequential
                    tasks:
                      - id: inner
                        type: io.kestra.plugin.core.log.Log
                        message: hi
        """,
    )
    assert "only capable of calling runnable tasks but 'group' is not" in error
    assert stand.requests == []


@pytest.fixture
def live(tmp_path: Path) -> Iterator[LiveServer]:
    """A real Tiercel server (executor, workers, API on loopback)."""
    yield from start_live(ServerConfig(data_dir=tmp_path / "data", threads=4))


def test_kestra_flow_tool_starts_an_execution_through_the_api(
    live: LiveServer, model: Callable[..., StandIn]
) -> None:
    live.deploy("""
id: greet
namespace: company.team
description: Greets someone by name
labels:
  team: greeters
inputs:
  - id: name
    type: STRING
tasks:
  - id: hello
    type: io.kestra.plugin.core.debug.Return
    format: "Hello {{ inputs.name }}"
""")
    stand = model(
        answer(
            calls=[
                (
                    "kestra_flow_company_team_greet",
                    {
                        "inputs": [{"id": "name", "value": "Ada"}],
                        "labels": [{"key": "asked_by", "value": "agent"}],
                    },
                )
            ]
        ),
        answer("Started."),
    )
    live.deploy(f"""
id: agent_flow
namespace: company.ai
labels:
  project: tiercel
tasks:
  - id: agent
    type: io.kestra.plugin.ai.agent.AIAgent
    provider:
      type: io.kestra.plugin.ai.provider.OpenAI
      baseUrl: {stand.url}
      apiKey: {KEY}
      modelName: gpt-4o-mini
    prompt: Greet Ada.
    tools:
      - type: io.kestra.plugin.ai.tool.KestraFlow
        namespace: company.team
        flowId: greet
        kestraUrl: {live.url}
""")
    created = live.client.post("/api/v1/main/executions/company.ai/agent_flow").json()
    ended = live.wait_ended(created["id"], timeout=60)
    assert ended["state"]["current"] == "SUCCESS", ended  # type: ignore[index]
    (tool,) = stand.requests[0][2]["tools"]
    parameters = tool["function"]["parameters"]
    assert tool["function"]["name"] == "kestra_flow_company_team_greet"
    assert parameters["description"] == "Greets someone by name"
    assert parameters["required"] == ["inputs"]
    outputs = ended["taskRunList"][0]["outputs"]  # type: ignore[index]
    started = json.loads(outputs["toolExecutions"][0]["result"])
    assert started["namespace"] == "company.team" and started["flowId"] == "greet"
    child = live.wait_ended(started["id"], timeout=60)
    assert child["inputs"] == {"name": "Ada"}  # type: ignore[comparison-overlap]
    labels = {label["key"]: label["value"] for label in child["labels"]}  # type: ignore[attr-defined]
    # The model's label; the agent's own labels are not inherited by default.
    assert labels.get("asked_by") == "agent" and "project" not in labels
    assert child["taskRunList"][0]["outputs"] == {"value": "Hello Ada"}  # type: ignore[index]


def test_kestra_flow_tool_without_a_description_fails(
    live: LiveServer, model: Callable[..., StandIn]
) -> None:
    live.deploy("""
id: bare
namespace: company.team
tasks:
  - id: hello
    type: io.kestra.plugin.core.debug.Return
    format: hi
""")
    stand = model(answer("unused"))
    live.deploy(f"""
id: agent_bare
namespace: company.ai
tasks:
  - id: agent
    type: io.kestra.plugin.ai.agent.AIAgent
    provider:
      type: io.kestra.plugin.ai.provider.OpenAI
      baseUrl: {stand.url}
      apiKey: {KEY}
      modelName: gpt-4o-mini
    prompt: Go.
    tools:
      - type: io.kestra.plugin.ai.tool.KestraFlow
        namespace: company.team
        flowId: bare
        kestraUrl: {live.url}
""")
    created = live.client.post("/api/v1/main/executions/company.ai/agent_bare").json()
    ended = live.wait_ended(created["id"], timeout=60)
    assert ended["state"]["current"] == "FAILED"  # type: ignore[index]
    logs = live.client.get(f"/api/v1/main/logs/{created['id']}").json()
    errors = [line["message"] for line in logs if line["level"] == "ERROR"]
    assert any("Flow company.team.bare does not have a description" in e for e in errors), errors


def test_kv_memory_carries_the_conversation_to_the_next_task(
    run_flow: RunFlow, model: Callable[..., StandIn]
) -> None:
    stand = model(answer("Hello John from Paris."), answer("You are John, from Paris."))
    memory = "{type: io.kestra.plugin.ai.memory.KestraKVStore, memoryId: chat-42, messages: 3}"
    finished = run_flow(f"""
        id: chat_with_memory
        namespace: company.ai
        tasks:
          - id: first
            type: io.kestra.plugin.ai.agent.AIAgent
            {provider(stand.url)}
            systemMessage: Answer concisely.
            prompt: My name is John and I live in Paris.
            memory: {memory}
          - id: second
            type: io.kestra.plugin.ai.agent.AIAgent
            {provider(stand.url)}
            systemMessage: Answer concisely.
            prompt: What is my name?
            memory: {memory}
          - id: stored
            type: io.kestra.plugin.core.debug.Return
            format: "{{{{ kv('chat-42') }}}}"
        """)
    assert finished.execution.state.current.value == "SUCCESS", finished.logs
    first, second = (body["messages"] for _, _, body in stand.requests)
    assert [m["role"] for m in first] == ["system", "user"]
    # A window of 3: the system message stays, the oldest others go first.
    assert second == [
        {"role": "system", "content": "Answer concisely."},
        {"role": "assistant", "content": "Hello John from Paris."},
        {"role": "user", "content": "What is my name?"},
    ]
    # langchain4j's chat-message JSON, as Kestra keeps it in the KV pair.
    assert json.loads(finished.outputs["stored"]["value"]) == [
        {"text": "Answer concisely.", "type": "SYSTEM"},
        {"contents": [{"text": "What is my name?", "type": "TEXT"}], "type": "USER"},
        {"text": "You are John, from Paris.", "type": "AI"},
    ]


def test_kv_memory_dropped_after_the_task_run_is_gone(
    run_flow: RunFlow, model: Callable[..., StandIn]
) -> None:
    stand = model(answer("Noted."), answer("I do not know."))
    keep = "{type: io.kestra.plugin.ai.memory.KestraKVMemory, memoryId: chat-7}"
    drop = ("{type: io.kestra.plugin.ai.memory.KestraKVStore, memoryId: chat-7, "
            "drop: AFTER_TASKRUN}")  # fmt: skip
    finished = run_flow(f"""
        id: chat_dropped
        namespace: company.ai
        tasks:
          - id: first
            type: io.kestra.plugin.ai.rag.ChatCompletion
            chatProvider: {{type: io.kestra.plugin.ai.provider.OpenAI, baseUrl: '{stand.url}',
                            apiKey: {KEY}, modelName: gpt-4o-mini}}
            embeddings: {{type: io.kestra.plugin.ai.embeddings.KestraKVStore, kvName: empty}}
            prompt: Remember the number 7.
            memory: {keep}
          - id: second
            type: io.kestra.plugin.ai.agent.AIAgent
            {provider(stand.url)}
            prompt: Which number?
            memory: {drop}
          - id: left
            type: io.kestra.plugin.core.debug.Return
            format: "{{{{ kv('chat-7', errorOnMissing=false) ?? 'gone' }}}}"
        """)
    assert finished.execution.state.current.value == "SUCCESS", finished.logs
    chats = [body for path, _, body in stand.requests if path.endswith("/chat/completions")]
    second = chats[1]["messages"]
    assert [m["content"] for m in second] == ["Remember the number 7.", "Noted.", "Which number?"]
    assert finished.outputs["left"]["value"] == "gone"


def test_stdio_mcp_client_tools_run_in_a_real_mcp_server(
    run_flow: RunFlow, model: Callable[..., StandIn]
) -> None:
    if importlib.util.find_spec("mcp") is None:
        message = "the MCP test server needs the mcp SDK: pip install -e '.[dev]'"
        pytest.fail(message, pytrace=False) if in_ci() else pytest.skip(message)
    stand = model(
        answer(calls=[("add", {"a": 2, "b": 40}), ("greeting", {})]),
        answer("2 + 40 = 42, and hello."),
    )
    root = Path(__file__).resolve().parents[3]
    finished = run_flow(f"""
        id: agent_mcp
        namespace: company.ai
        tasks:
          - id: agent
            type: io.kestra.plugin.ai.agent.AIAgent
            {provider(stand.url)}
            prompt: Add 2 and 40, then greet.
            tools:
              - type: io.kestra.plugin.ai.tool.StdioMcpClient
                command: ["{sys.executable}", "-c",
                          "import sys; sys.path.insert(0, '{root}'); import runpy;
                           runpy.run_module('tests.plugins.ai.mcp_server', run_name='__main__')"]
                env:
                  GREETING: bonjour
        """)
    assert finished.execution.state.current.value == "SUCCESS", finished.logs
    tools = {tool["function"]["name"]: tool["function"] for tool in stand.requests[0][2]["tools"]}
    assert tools["add"]["description"] == "Add two integers."
    assert tools["add"]["parameters"]["required"] == ["a", "b"]
    results = [m for m in stand.requests[1][2]["messages"] if m["role"] == "tool"]
    assert [(m["tool_call_id"], m["content"]) for m in results] == [
        ("call_0", "42"),
        ("call_1", "bonjour"),
    ]
    executions = finished.outputs["agent"]["toolExecutions"]
    assert [e["result"] for e in executions] == ["42", "bonjour"]


def test_stdio_mcp_client_that_does_not_start_fails_clearly(
    run_flow: RunFlow, model: Callable[..., StandIn]
) -> None:
    stand = model(answer("unused"))
    error = _agent_failure(
        run_flow,
        f"""
        id: agent_mcp_missing
        namespace: company.ai
        tasks:
          - id: agent
            type: io.kestra.plugin.ai.agent.AIAgent
            {provider(stand.url)}
            prompt: Go.
            tools:
              - type: io.kestra.plugin.ai.tool.StdioMcpClient
                command: ["/nonexistent/mcp-server"]
        """,
    )
    assert error.startswith("Unable to start the MCP server '/nonexistent/mcp-server'")
