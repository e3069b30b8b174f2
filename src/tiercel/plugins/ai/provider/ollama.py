"""``io.kestra.plugin.ai.provider.Ollama``: a local Ollama server (``/api/chat``,
``/api/embed``)."""

from collections.abc import Sequence
from typing import Any, Literal

from pydantic import Field

from tiercel.plugins.ai.domain.configuration import Sampling
from tiercel.plugins.ai.domain.http import ApiClient
from tiercel.plugins.ai.domain.messages import Message, Role, ToolSpec
from tiercel.plugins.ai.domain.outputs import FinishReason
from tiercel.plugins.ai.provider.base import (
    Call,
    ChatAnswer,
    Embedded,
    ModelProvider,
    prune,
    timed,
    usage,
)
from tiercel.plugins.ai.provider.openai_wire import tool_calls, wire_tool
from tiercel.sdk import Text


class Ollama(ModelProvider):
    """Models served by Ollama."""

    vendor = "Ollama"
    tool_calling = True

    type: Literal[
        "io.kestra.plugin.ai.provider.Ollama", "io.kestra.plugin.langchain4j.provider.Ollama"
    ]
    endpoint: Text = Field(description="The server, e.g. `http://localhost:11434`.")

    def _api(self, call: Call) -> ApiClient:
        endpoint = call.env.value(self.endpoint, str)
        return self.client(call, endpoint, {}, [])

    def chat(
        self,
        call: Call,
        messages: Sequence[Message],
        sampling: Sampling,
        tools: Sequence[ToolSpec] = (),
    ) -> ChatAnswer:
        """``POST {endpoint}/api/chat`` without streaming."""
        body: dict[str, Any] = {
            "model": self.model(call),
            "messages": [wire_message(message) for message in messages],
            "stream": False,
            "options": prune(
                {
                    "temperature": sampling.temperature,
                    "top_k": sampling.top_k,
                    "top_p": sampling.top_p,
                    "seed": sampling.seed,
                    "num_predict": sampling.max_tokens,
                }
            ),
        }
        if tools:
            body["tools"] = [wire_tool(tool) for tool in tools]
        if sampling.json:
            body["format"] = sampling.json_schema if sampling.json_schema is not None else "json"
        if sampling.thinking_enabled:
            body["think"] = True
        self.logged_request(call, sampling, body)
        answer, duration = timed(self._api(call), "api/chat", body)
        self.logged_response(call, sampling, answer)
        message = answer.get("message") or {}
        reason = answer.get("done_reason")
        reasons = {"stop": FinishReason.STOP, "length": FinishReason.LENGTH}
        thinking = message.get("thinking")
        calls = tool_calls(message)
        finish = reasons.get(str(reason), FinishReason.OTHER) if reason else None
        return ChatAnswer(
            text=str(message.get("content") or ""),
            finish_reason=FinishReason.TOOL_EXECUTION if calls else finish,
            usage=usage(answer.get("prompt_eval_count"), answer.get("eval_count")),
            response_id=None,
            thinking=thinking if isinstance(thinking, str) and sampling.return_thinking else None,
            duration_ms=duration,
            tool_calls=calls,
        )

    def embed(self, call: Call, texts: Sequence[str]) -> Embedded:
        """``POST {endpoint}/api/embed``."""
        client = self._api(call)
        answer = client.post("api/embed", {"model": self.model(call), "input": list(texts)})
        vectors = answer.get("embeddings")
        if not isinstance(vectors, list) or len(vectors) != len(texts):
            raise client.failure("Ollama answered a wrong number of embeddings")
        count = answer.get("prompt_eval_count")
        return Embedded(
            [[float(x) for x in row] for row in vectors], count if isinstance(count, int) else None
        )


def wire_message(message: Message) -> dict[str, Any]:
    """A message for ``/api/chat``: tool calls with their arguments as an object, tool
    results named by ``tool_name`` (Ollama has no call ids)."""
    if message.role is Role.TOOL:
        return {"role": "tool", "content": message.text, "tool_name": message.tool_name}
    wired: dict[str, Any] = {"role": message.role.value, "content": message.text}
    if message.tool_calls:
        wired["tool_calls"] = [
            {"function": {"name": call.name, "arguments": call.argument_object()}}
            for call in message.tool_calls
        ]
    return wired
