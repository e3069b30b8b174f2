"""Tool calling in each vendor's own format, through the same loop: Gemini
(``functionDeclarations`` / ``functionCall`` / ``functionResponse``), Anthropic (``tools`` /
``tool_use`` / ``tool_result``) and Ollama (``/api/chat`` ``tools``).

These vendors cannot be reached from here (and SmolLM2 does not call tools reliably), so each
model is a stand-in server that speaks the subset of the vendor's API the provider uses: it
asks for the tool once, refuses (as the vendor does, with a 400) a follow-up that does not carry
the call and its result back in the vendor's shape, and then answers with the tool's result.
The AIAgent task, its KestraTask tool and the flow run are real."""

import json
from collections.abc import Callable
from typing import Any

import pytest
from tests.plugins.ai.model_servers import stand_in
from tests.plugins.flow_support import RunFlow

KEY = "vendor-tools-Secret-4321"
ARGUMENTS = {"format": "Bonjour {{ 40 + 2 }}"}
TOOL = "kestra_task_greet"
Answer = tuple[int, Any, dict[str, str]]


def refused(message: str) -> Answer:
    """The vendors' 400 for a malformed request."""
    return 400, {"error": {"code": 400, "message": message, "status": "INVALID_ARGUMENT"}}, {}


def gemini(path: str, headers: dict[str, str], body: dict[str, Any]) -> Answer:
    """Gemini's ``generateContent``: a ``functionCall`` (with a thought signature that must
    come back), then text once a ``functionResponse`` follows it."""
    if headers.get("x-goog-api-key") != KEY:
        return refused("API key not valid. Please pass a valid API key.")
    (declared,) = body["tools"][0]["functionDeclarations"]
    if declared["name"] != TOOL or "format" not in declared["parametersJsonSchema"]["properties"]:
        return refused("tools[0].function_declarations[0] is not the expected tool")
    contents = body["contents"]
    usage = {"promptTokenCount": 7, "candidatesTokenCount": 3, "totalTokenCount": 10}
    if len(contents) == 1:
        part = {"functionCall": {"name": TOOL, "args": ARGUMENTS}, "thoughtSignature": "sig-1"}
        candidate = {"content": {"role": "model", "parts": [part]}, "finishReason": "STOP"}
        return 200, {"candidates": [candidate], "usageMetadata": usage, "responseId": "r1"}, {}
    asked, answered = contents[-2:]
    (call,) = asked["parts"]
    (response,) = answered["parts"]
    if asked["role"] != "model" or call.get("thoughtSignature") != "sig-1":
        return refused("Function call is missing a thought_signature in functionCall parts.")
    if call["functionCall"] != {"name": TOOL, "args": ARGUMENTS}:
        return refused("the function call sent back differs from the one made")
    result = response["functionResponse"]
    if answered["role"] != "user" or result["name"] != TOOL:
        return refused("function response turn must come right after a function call turn")
    text = f"The tool said {json.loads(result['response']['content'])['value']}."
    candidate = {"content": {"role": "model", "parts": [{"text": text}]}, "finishReason": "STOP"}
    return 200, {"candidates": [candidate], "usageMetadata": usage, "responseId": "r2"}, {}


def anthropic(path: str, headers: dict[str, str], body: dict[str, Any]) -> Answer:
    """Anthropic's Messages API: a ``tool_use`` block, then text once a user message
    carries the matching ``tool_result``."""
    if headers.get("x-api-key") != KEY:
        return 401, {"type": "error", "error": {"type": "authentication_error",
                                                "message": "invalid x-api-key"}}, {}  # fmt: skip
    (tool,) = body["tools"]
    if tool["name"] != TOOL or tool["input_schema"]["type"] != "object":
        return refused("tools.0: unexpected tool")
    messages = body["messages"]
    usage = {"input_tokens": 8, "output_tokens": 2}
    if len(messages) == 1:
        use = {"type": "tool_use", "id": "toolu_01", "name": TOOL, "input": ARGUMENTS}
        content = [{"type": "text", "text": "Let me greet."}, use]
        return 200, {"id": "msg_1", "type": "message", "role": "assistant", "content": content,
                     "stop_reason": "tool_use", "usage": usage}, {}  # fmt: skip
    asked, answered = messages[-2:]
    uses = [block for block in asked["content"] if block["type"] == "tool_use"]
    if asked["role"] != "assistant" or uses != [
        {"type": "tool_use", "id": "toolu_01", "name": TOOL, "input": ARGUMENTS}
    ]:
        return refused("messages: the assistant turn must carry the tool_use block")
    (result,) = answered["content"]
    if answered["role"] != "user" or result.get("tool_use_id") != "toolu_01":
        return refused("messages: tool_use ids were found without tool_result blocks")
    text = f"The tool said {json.loads(result['content'])['value']}."
    return 200, {"id": "msg_2", "type": "message", "role": "assistant",
                 "content": [{"type": "text", "text": text}], "stop_reason": "end_turn",
                 "usage": usage}, {}  # fmt: skip


def ollama(path: str, headers: dict[str, str], body: dict[str, Any]) -> Answer:
    """Ollama's ``/api/chat``: ``tool_calls`` with object arguments, then text once a
    ``tool`` message follows."""
    (tool,) = body["tools"]
    if tool["type"] != "function" or tool["function"]["name"] != TOOL:
        return 400, {"error": "invalid tools"}, {}
    messages = body["messages"]
    counts = {"prompt_eval_count": 9, "eval_count": 1}
    if len(messages) == 1:
        calls = [{"function": {"name": TOOL, "arguments": ARGUMENTS}}]
        message = {"role": "assistant", "content": "", "tool_calls": calls}
        return 200, {"model": "qwen3", "message": message, "done": True, "done_reason": "stop",
                     **counts}, {}  # fmt: skip
    asked, answered = messages[-2:]
    if asked["tool_calls"] != [{"function": {"name": TOOL, "arguments": ARGUMENTS}}]:
        return 400, {"error": "the assistant message must carry its tool calls"}, {}
    if answered["role"] != "tool" or answered.get("tool_name") != TOOL:
        return 400, {"error": "expected a tool message"}, {}
    text = f"The tool said {json.loads(answered['content'])['value']}."
    return 200, {"model": "qwen3", "message": {"role": "assistant", "content": text},
                 "done": True, "done_reason": "stop", **counts}, {}  # fmt: skip


VENDORS: dict[str, tuple[Callable[..., Answer], Callable[[str], str]]] = {
    "GoogleGemini": (
        gemini,
        lambda url: (
            f"{{type: io.kestra.plugin.ai.provider.GoogleGemini, apiKey: {KEY}, "
            f"modelName: gemini-2.5-flash, baseUrl: '{url}'}}"
        ),
    ),
    "Anthropic": (
        anthropic,
        lambda url: (
            f"{{type: io.kestra.plugin.ai.provider.Anthropic, apiKey: {KEY}, "
            f"modelName: claude-sonnet-4-5, baseUrl: '{url}'}}"
        ),
    ),
    "Ollama": (
        ollama,
        lambda url: (
            f"{{type: io.kestra.plugin.ai.provider.Ollama, modelName: qwen3, endpoint: '{url}'}}"
        ),
    ),
}


@pytest.mark.parametrize("vendor", sorted(VENDORS))
def test_agent_tool_round_trip_in_the_vendors_format(run_flow: RunFlow, vendor: str) -> None:
    handle, provider = VENDORS[vendor]
    with stand_in(handle) as server:
        finished = run_flow(f"""
            id: agent_tools_{vendor.lower()}
            namespace: company.ai
            tasks:
              - id: agent
                type: io.kestra.plugin.ai.agent.AIAgent
                provider: {provider(server.url)}
                prompt: Greet in French.
                tools:
                  - type: io.kestra.plugin.ai.tool.KestraTask
                    tasks:
                      - id: greet
                        type: io.kestra.plugin.core.debug.Return
                        format: "..."
            """)
    errors = [line.message for line in finished.logs if line.level.value == "ERROR"]
    assert finished.execution.state.current.value == "SUCCESS", errors
    assert len(server.requests) == 2
    outputs = finished.outputs["agent"]
    assert outputs["textOutput"] == "The tool said Bonjour 42."
    assert outputs["finishReason"] == "STOP"
    (execution,) = outputs["toolExecutions"]
    assert execution["requestName"] == TOOL
    assert execution["requestArguments"] == ARGUMENTS
    assert json.loads(execution["result"]) == {"value": "Bonjour 42"}
    (asked,) = outputs["intermediateResponses"]
    assert asked["finishReason"] == "TOOL_EXECUTION"
    assert [(r["name"], r["arguments"]) for r in asked["toolExecutionRequests"]] == [
        (TOOL, ARGUMENTS)
    ]
    # Each stand-in counts 10 tokens a call: the turn adds up both calls.
    assert outputs["tokenUsage"]["totalTokenCount"] == 20


def test_anthropic_parallel_tool_results_go_back_in_one_user_message(run_flow: RunFlow) -> None:
    """Two ``tool_use`` blocks in one answer: both results in a single user message, in order,
    as the Messages API requires."""
    calls = [
        {"type": "tool_use", "id": "toolu_a", "name": TOOL, "input": {"format": "one"}},
        {"type": "tool_use", "id": "toolu_b", "name": TOOL, "input": {"format": "two"}},
    ]

    def handle(path: str, headers: dict[str, str], body: dict[str, Any]) -> Answer:
        usage = {"input_tokens": 1, "output_tokens": 1}
        if len(body["messages"]) == 1:
            return 200, {"id": "m1", "content": calls, "stop_reason": "tool_use",
                         "usage": usage}, {}  # fmt: skip
        results = body["messages"][-1]["content"]
        said = " ".join(json.loads(r["content"])["value"] for r in results)
        ids = [r["tool_use_id"] for r in results]
        return 200, {"id": "m2", "content": [{"type": "text", "text": f"{ids} {said}"}],
                     "stop_reason": "end_turn", "usage": usage}, {}  # fmt: skip

    with stand_in(handle) as server:
        finished = run_flow(f"""
            id: agent_parallel
            namespace: company.ai
            tasks:
              - id: agent
                type: io.kestra.plugin.ai.agent.AIAgent
                provider: {VENDORS["Anthropic"][1](server.url)}
                prompt: Greet twice.
                tools:
                  - type: io.kestra.plugin.ai.tool.KestraTask
                    tasks:
                      - id: greet
                        type: io.kestra.plugin.core.debug.Return
                        format: "..."
            """)
    assert finished.execution.state.current.value == "SUCCESS", finished.logs
    assert [m["role"] for m in server.requests[1][2]["messages"]] == ["user", "assistant", "user"]
    assert finished.outputs["agent"]["textOutput"] == "['toolu_a', 'toolu_b'] one two"
    assert len(finished.outputs["agent"]["toolExecutions"]) == 2
