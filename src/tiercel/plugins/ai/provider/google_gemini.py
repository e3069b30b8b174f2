"""``io.kestra.plugin.ai.provider.GoogleGemini``: Gemini through the Generative Language API
(``generateContent`` and ``batchEmbedContents``)."""

import json
from collections.abc import Sequence
from datetime import timedelta
from typing import Any, Literal

from pydantic import Field

from tiercel.plugins.ai.domain.configuration import Sampling
from tiercel.plugins.ai.domain.http import ApiClient, joined
from tiercel.plugins.ai.domain.messages import (
    Message,
    Role,
    ToolCall,
    ToolSpec,
    grouped_tool_results,
)
from tiercel.plugins.ai.domain.outputs import FinishReason
from tiercel.plugins.ai.provider.base import (
    Call,
    ChatAnswer,
    Embedded,
    ModelProvider,
    prune,
    split_system,
    timed,
    usage,
)
from tiercel.sdk import Duration, KestraModel, Property, TaskFailure, Text

GEMINI_URL = "https://generativelanguage.googleapis.com/v1beta"
BATCH = 100
"""``batchEmbedContents`` takes at most 100 texts a request."""

FINISH_REASONS = {
    "STOP": FinishReason.STOP,
    "MAX_TOKENS": FinishReason.LENGTH,
    "SAFETY": FinishReason.CONTENT_FILTER,
    "RECITATION": FinishReason.CONTENT_FILTER,
    "BLOCKLIST": FinishReason.CONTENT_FILTER,
    "PROHIBITED_CONTENT": FinishReason.CONTENT_FILTER,
    "SPII": FinishReason.CONTENT_FILTER,
    "MALFORMED_FUNCTION_CALL": FinishReason.TOOL_EXECUTION,
}


class EmbeddingModelConfiguration(KestraModel):
    """Gemini embedding options."""

    title_metadata_key: Text | None = Field(
        default=None, description="The metadata key whose value is sent as the document title."
    )
    task_type: Text | None = Field(
        default=None, description="RETRIEVAL_DOCUMENT, RETRIEVAL_QUERY, SEMANTIC_SIMILARITY..."
    )
    max_retries: Property[int] | None = Field(default=None, description="Accepted; see README.")
    timeout: Property[Duration] | None = Field(default=None, description="Per request.")
    output_dimensionality: Property[int] | None = Field(
        default=None, description="Truncate the embeddings to this size."
    )


class GoogleGemini(ModelProvider):
    """Google Gemini models: chat and embeddings."""

    vendor = "Google Gemini"
    tool_calling = True

    type: Literal[
        "io.kestra.plugin.ai.provider.GoogleGemini",
        "io.kestra.plugin.langchain4j.provider.GoogleGemini",
    ]
    api_key: Text | None = Field(
        default=None,
        description="The API key; required unless `clientPem` authenticates.",
        json_schema_extra={"secret": True},
    )
    embedding_model_configuration: EmbeddingModelConfiguration | None = Field(
        default=None, description="Options for the embedding model."
    )

    def _api(self, call: Call, timeout: timedelta | None = None) -> ApiClient:
        key = call.env.optional(self.api_key, str)
        if key is None and call.env.optional(self.client_pem, str) is None:
            raise TaskFailure(
                "GoogleGemini requires either `apiKey` or `clientPem` (optionally with `caPem`) "
                "for certificate-based authentication."
            )
        headers = {"x-goog-api-key": key} if key else {}
        client = self.client(call, GEMINI_URL, headers, [key])
        if timeout is not None:
            client = ApiClient(**{**_fields(client), "timeout": timeout})
        return client

    def chat(
        self,
        call: Call,
        messages: Sequence[Message],
        sampling: Sampling,
        tools: Sequence[ToolSpec] = (),
    ) -> ChatAnswer:
        """``POST {baseUrl}/models/{modelName}:generateContent``."""
        model = self.model(call)
        system, turns = split_system(messages)
        budget = sampling.thinking_budget
        if not sampling.thinking_enabled and budget is None:
            budget = 0  # Kestra turns thinking off unless asked: it costs tokens and time
        generation = prune({
            "temperature": sampling.temperature,
            "topK": sampling.top_k,
            "topP": sampling.top_p,
            "seed": sampling.seed,
            "maxOutputTokens": sampling.max_tokens,
            "thinkingConfig": prune({
                "thinkingBudget": budget,
                "includeThoughts": bool(sampling.thinking_enabled) or None,
            }),
        })  # fmt: skip
        if sampling.json:
            generation["responseMimeType"] = "application/json"
            if sampling.json_schema is not None:
                generation["responseJsonSchema"] = sampling.json_schema
        body: dict[str, Any] = {
            "contents": [wire_content(turn) for turn in grouped_tool_results(turns)],
            "generationConfig": generation,
        }
        if system:
            body["systemInstruction"] = {"parts": [{"text": system}]}
        if tools:
            body["tools"] = [{"functionDeclarations": [wire_function(tool) for tool in tools]}]
        self.logged_request(call, sampling, body)
        client = self._api(call)
        answer, duration = timed(client, f"models/{model}:generateContent", body)
        self.logged_response(call, sampling, answer)
        candidates = answer.get("candidates")
        if not isinstance(candidates, list) or not candidates:
            blocked = (answer.get("promptFeedback") or {}).get("blockReason")
            reason = f" (prompt blocked: {blocked})" if blocked else ""
            raise client.failure(f"Google Gemini answered no candidate{reason}")
        candidate = candidates[0]
        parts = (candidate.get("content") or {}).get("parts") or []
        text = joined(part.get("text") for part in parts if not part.get("thought"))
        thought = joined(part.get("text") for part in parts if part.get("thought"))
        counted = answer.get("usageMetadata") or {}
        reason = candidate.get("finishReason")
        calls = function_calls(parts)
        finish = FINISH_REASONS.get(str(reason), FinishReason.OTHER) if reason else None
        return ChatAnswer(
            text=text,
            finish_reason=FinishReason.TOOL_EXECUTION if calls else finish,
            usage=usage(
                counted.get("promptTokenCount"),
                counted.get("candidatesTokenCount"),
                counted.get("totalTokenCount"),
            ),
            response_id=answer.get("responseId"),
            thinking=thought or None,
            duration_ms=duration,
            tool_calls=calls,
        )

    def embed(self, call: Call, texts: Sequence[str]) -> Embedded:
        """``POST {baseUrl}/models/{modelName}:batchEmbedContents``, 100 texts a request."""
        model = self.model(call)
        options = self.embedding_model_configuration or EmbeddingModelConfiguration()
        env = call.env
        task_type = env.optional(options.task_type, str)
        dimensions = env.optional(options.output_dimensionality, int)
        client = self._api(call, env.optional(options.timeout, timedelta))
        vectors: list[list[float]] = []
        for start in range(0, len(texts), BATCH):
            requests = [
                prune(
                    {
                        "model": f"models/{model}",
                        "content": {"parts": [{"text": text}]},
                        "taskType": task_type,
                        "outputDimensionality": dimensions,
                    }
                )
                for text in texts[start : start + BATCH]
            ]
            answer = client.post(f"models/{model}:batchEmbedContents", {"requests": requests})
            rows = answer.get("embeddings")
            if not isinstance(rows, list) or len(rows) != len(requests):
                raise client.failure("Google Gemini answered a wrong number of embeddings")
            vectors.extend([float(x) for x in row.get("values") or []] for row in rows)
        return Embedded(vectors)


def wire_content(turn: Message | list[Message]) -> dict[str, Any]:
    """A turn as Gemini ``Content``: tool results as ``functionResponse`` parts of one user
    turn, tool calls as ``functionCall`` parts (with their ``thoughtSignature``) of a model
    turn, other messages as text."""
    if isinstance(turn, list):
        return {
            "role": "user",
            "parts": [
                {
                    "functionResponse": {
                        "name": result.tool_name or "",
                        "response": {"name": result.tool_name or "", "content": result.text},
                    }
                }
                for result in turn
            ],
        }
    parts: list[dict[str, Any]] = [{"text": turn.text}] if turn.text or not turn.tool_calls else []
    for call in turn.tool_calls:
        part: dict[str, Any] = {"functionCall": {"name": call.name, "args": call.argument_object()}}
        if call.signature:
            part["thoughtSignature"] = call.signature
        parts.append(part)
    return {"role": "model" if turn.role is Role.ASSISTANT else "user", "parts": parts}


def wire_function(tool: ToolSpec) -> dict[str, Any]:
    """A tool as a ``FunctionDeclaration``; its arguments as JSON Schema
    (``parametersJsonSchema``), which Gemini takes whole, where ``parameters`` takes only
    its OpenAPI subset."""
    return {
        "name": tool.name,
        "description": tool.description,
        "parametersJsonSchema": tool.parameters,
    }


def function_calls(parts: Sequence[Any]) -> tuple[ToolCall, ...]:
    """The ``functionCall`` parts of an answer; an id is made up when Gemini gives none."""
    calls = []
    for number, part in enumerate(parts):
        function = part.get("functionCall") if isinstance(part, dict) else None
        if not isinstance(function, dict) or not function.get("name"):
            continue
        arguments = function.get("args")
        calls.append(
            ToolCall(
                id=str(function.get("id") or f"call_{number}"),
                name=str(function["name"]),
                arguments=json.dumps(arguments if isinstance(arguments, dict) else {}),
                signature=part.get("thoughtSignature"),
            )
        )
    return tuple(calls)


def _fields(client: ApiClient) -> dict[str, Any]:
    return {name: getattr(client, name) for name in ApiClient.__dataclass_fields__}
