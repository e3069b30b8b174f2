"""``io.kestra.plugin.ai.provider.Anthropic``: Claude through the Messages API."""

import json
from collections.abc import Sequence
from typing import Any, Literal

from pydantic import Field

from tiercel.plugins.ai.domain.configuration import Sampling
from tiercel.plugins.ai.domain.http import joined
from tiercel.plugins.ai.domain.messages import Message, ToolCall, ToolSpec, grouped_tool_results
from tiercel.plugins.ai.domain.outputs import FinishReason
from tiercel.plugins.ai.provider.base import (
    Call,
    ChatAnswer,
    ModelProvider,
    prune,
    split_system,
    timed,
    usage,
)
from tiercel.sdk import Property, TaskFailure, Text

ANTHROPIC_URL = "https://api.anthropic.com/v1"
API_VERSION = "2023-06-01"
DEFAULT_MAX_TOKENS = 1024
"""The Messages API requires ``max_tokens``; langchain4j sends this when none is set."""

FINISH_REASONS = {
    "end_turn": FinishReason.STOP,
    "stop_sequence": FinishReason.STOP,
    "max_tokens": FinishReason.LENGTH,
    "tool_use": FinishReason.TOOL_EXECUTION,
    "refusal": FinishReason.CONTENT_FILTER,
}


class Anthropic(ModelProvider):
    """Anthropic Claude models (chat only)."""

    vendor = "Anthropic"
    tool_calling = True

    type: Literal[
        "io.kestra.plugin.ai.provider.Anthropic", "io.kestra.plugin.langchain4j.provider.Anthropic"
    ]
    api_key: Text = Field(description="The API key.", json_schema_extra={"secret": True})
    max_tokens: Property[int] | None = Field(
        default=None, description="The most tokens the model may generate."
    )

    def chat(
        self,
        call: Call,
        messages: Sequence[Message],
        sampling: Sampling,
        tools: Sequence[ToolSpec] = (),
    ) -> ChatAnswer:
        """``POST {baseUrl}/messages``."""
        if sampling.seed is not None:
            raise TaskFailure("Anthropic models do not support setting the seed.")
        if sampling.json:
            raise TaskFailure("Anthropic models do not support configuring the response format.")
        limit = sampling.max_tokens or call.env.optional(self.max_tokens, int)
        budget = sampling.thinking_budget
        if (
            sampling.thinking_enabled
            and budget is not None
            and limit is not None
            and budget > limit
        ):
            raise TaskFailure(
                "`max_tokens` must be greater than `thinking.budget_tokens` for "
                "thinking-enabled Anthropic models."
            )
        key = call.env.optional(self.api_key, str)
        if not key:
            raise TaskFailure("Anthropic: `apiKey` is required")
        system, turns = split_system(messages)
        body: dict[str, Any] = prune({
            "model": self.model(call),
            "max_tokens": limit or DEFAULT_MAX_TOKENS,
            "messages": [wire_message(turn) for turn in grouped_tool_results(turns)],
            "temperature": sampling.temperature,
            "top_p": sampling.top_p,
            "top_k": sampling.top_k,
        })  # fmt: skip
        if system:
            block: dict[str, Any] = {"type": "text", "text": system}
            if sampling.prompt_caching:
                block["cache_control"] = {"type": "ephemeral"}
            body["system"] = [block]
        if tools:
            body["tools"] = [
                {
                    "name": tool.name,
                    "description": tool.description,
                    "input_schema": tool.parameters,
                }
                for tool in tools
            ]
        if sampling.thinking_enabled:
            body["thinking"] = prune({"type": "enabled", "budget_tokens": budget})
        headers = {"x-api-key": key, "anthropic-version": API_VERSION}
        client = self.client(call, ANTHROPIC_URL, headers, [key])
        self.logged_request(call, sampling, body)
        answer, duration = timed(client, "messages", body)
        self.logged_response(call, sampling, answer)
        blocks = answer.get("content") or []
        counted = answer.get("usage") or {}
        reason = answer.get("stop_reason")
        thinking = joined(b.get("thinking") for b in blocks if b.get("type") == "thinking")
        calls = tuple(
            ToolCall(
                str(b.get("id") or f"toolu_{n}"), str(b["name"]), json.dumps(b.get("input") or {})
            )
            for n, b in enumerate(blocks)
            if b.get("type") == "tool_use" and b.get("name")
        )
        return ChatAnswer(
            text=joined(b.get("text") for b in blocks if b.get("type") == "text"),
            finish_reason=FINISH_REASONS.get(str(reason), FinishReason.OTHER) if reason else None,
            usage=usage(counted.get("input_tokens"), counted.get("output_tokens")),
            response_id=answer.get("id"),
            thinking=thinking if thinking and sampling.return_thinking else None,
            duration_ms=duration,
            tool_calls=calls,
        )


def wire_message(turn: Message | list[Message]) -> dict[str, Any]:
    """A turn as an Anthropic message: tool results as ``tool_result`` blocks of one user
    message, tool calls as ``tool_use`` blocks after the text of an assistant message."""
    if isinstance(turn, list):
        return {
            "role": "user",
            "content": [
                {"type": "tool_result", "tool_use_id": result.tool_call_id, "content": result.text}
                for result in turn
            ],
        }
    if not turn.tool_calls:
        return {"role": turn.role.value, "content": turn.text}
    blocks: list[dict[str, Any]] = [{"type": "text", "text": turn.text}] if turn.text else []
    blocks.extend(
        {"type": "tool_use", "id": call.id, "name": call.name, "input": call.argument_object()}
        for call in turn.tool_calls
    )
    return {"role": "assistant", "content": blocks}
