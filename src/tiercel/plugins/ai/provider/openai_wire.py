"""The OpenAI chat-completions and embeddings wire format, which OpenAI, DeepSeek, Azure
OpenAI, Mistral and most local servers (llama.cpp, vLLM, LocalAI) speak."""

import json
from collections.abc import Mapping, Sequence
from typing import Any

from tiercel.plugins.ai.domain.configuration import Sampling
from tiercel.plugins.ai.domain.http import ApiClient
from tiercel.plugins.ai.domain.messages import Message, Role, ToolCall, ToolSpec
from tiercel.plugins.ai.domain.outputs import FinishReason
from tiercel.plugins.ai.provider.base import ChatAnswer, Embedded, timed, usage

FINISH_REASONS = {
    "stop": FinishReason.STOP,
    "length": FinishReason.LENGTH,
    "tool_calls": FinishReason.TOOL_EXECUTION,
    "function_call": FinishReason.TOOL_EXECUTION,
    "content_filter": FinishReason.CONTENT_FILTER,
    "model_length": FinishReason.LENGTH,  # Mistral
}


def response_format(sampling: Sampling, *, json_schema: bool) -> dict[str, Any] | None:
    """``response_format``: a JSON schema where the endpoint enforces them (``json_schema``),
    else a JSON object, with the schema beside it for servers that constrain decoding with it
    (llama.cpp)."""
    if not sampling.json:
        return None
    schema = sampling.json_schema
    if schema is not None and json_schema:
        described = {"name": "output", "schema": schema, "strict": sampling.strict_json}
        if sampling.json_schema_description:
            described["description"] = sampling.json_schema_description
        return {"type": "json_schema", "json_schema": described}
    form: dict[str, Any] = {"type": "json_object"}
    if schema is not None:
        form["schema"] = schema
    return form


def chat_body(
    model: str | None,
    messages: Sequence[Message],
    sampling: Sampling,
    tools: Sequence[ToolSpec] = (),
) -> dict[str, Any]:
    """The body's common part; callers add the token limit, seed and format as their vendor
    names them."""
    body: dict[str, Any] = {
        "messages": [wire_message(message) for message in messages],
        "temperature": sampling.temperature,
        "top_p": sampling.top_p,
        "tools": [wire_tool(tool) for tool in tools] or None,
    }
    if model is not None:
        body["model"] = model
    return {key: value for key, value in body.items() if value is not None}


def wire_message(message: Message) -> dict[str, Any]:
    """A message in OpenAI's shape: tool calls on assistant messages, tool results by id."""
    if message.role is Role.TOOL:
        return {"role": "tool", "tool_call_id": message.tool_call_id, "content": message.text}
    wired: dict[str, Any] = {"role": message.role.value, "content": message.text}
    if message.tool_calls:
        wired["content"] = message.text or None
        wired["tool_calls"] = [
            {
                "id": call.id,
                "type": "function",
                "function": {"name": call.name, "arguments": call.arguments},
            }
            for call in message.tool_calls
        ]
    return wired


def wire_tool(tool: ToolSpec) -> dict[str, Any]:
    """A tool as a ``function`` the model may call."""
    function = {"name": tool.name, "description": tool.description, "parameters": tool.parameters}
    return {"type": "function", "function": function}


def tool_calls(message: Mapping[str, Any]) -> tuple[ToolCall, ...]:
    """The tool calls of an answer's message; arguments stay the JSON text the model wrote."""
    calls = []
    for number, raw in enumerate(message.get("tool_calls") or []):
        function = raw.get("function") if isinstance(raw, dict) else None
        if not isinstance(function, dict) or not function.get("name"):
            continue
        arguments = function.get("arguments")
        if not isinstance(arguments, str):
            arguments = json.dumps(arguments if arguments is not None else {})
        call_id = raw.get("id") or f"call_{number}"
        calls.append(ToolCall(str(call_id), str(function["name"]), arguments))
    return tuple(calls)


def chat(
    client: ApiClient, path: str, body: Mapping[str, Any]
) -> tuple[ChatAnswer, dict[str, Any]]:
    """Send a chat-completions request; the answer and its raw JSON."""
    answer, duration = timed(client, path, body)
    choices = answer.get("choices")
    if not isinstance(choices, list) or not choices or not isinstance(choices[0], dict):
        raise client.failure(f"{client.vendor} answered no choice")
    message = choices[0].get("message") or {}
    counted = answer.get("usage") or {}
    reason = choices[0].get("finish_reason")
    thinking = message.get("reasoning_content")
    return (
        ChatAnswer(
            text=str(message.get("content") or ""),
            finish_reason=FINISH_REASONS.get(str(reason), FinishReason.OTHER) if reason else None,
            usage=usage(
                counted.get("prompt_tokens"),
                counted.get("completion_tokens"),
                counted.get("total_tokens"),
            ),
            response_id=answer.get("id"),
            thinking=thinking if isinstance(thinking, str) else None,
            duration_ms=duration,
            tool_calls=tool_calls(message),
        ),
        answer,
    )


def embed(client: ApiClient, path: str, body: Mapping[str, Any], count: int) -> Embedded:
    """Send an embeddings request for ``count`` inputs; the vectors in input order."""
    answer = client.post(path, body)
    data = answer.get("data")
    if not isinstance(data, list) or len(data) != count:
        raise client.failure(
            f"{client.vendor} answered {len(data or [])} embeddings for {count} texts"
        )
    rows = sorted(data, key=lambda row: row.get("index", 0) if isinstance(row, dict) else 0)
    vectors = [[float(x) for x in row["embedding"]] for row in rows]
    counted = answer.get("usage") or {}
    return Embedded(vectors, counted.get("prompt_tokens") or counted.get("total_tokens"))
