"""``io.kestra.plugin.ai.provider.OpenAI``: OpenAI, or any OpenAI-compatible endpoint."""

from collections.abc import Sequence
from typing import ClassVar, Literal

from pydantic import Field

from tiercel.plugins.ai.domain.configuration import Sampling
from tiercel.plugins.ai.domain.http import ApiClient
from tiercel.plugins.ai.domain.messages import Message, ToolSpec
from tiercel.plugins.ai.provider import openai_wire
from tiercel.plugins.ai.provider.base import Call, ChatAnswer, Embedded, ModelProvider, refuse
from tiercel.sdk import TaskFailure, Text

OPENAI_URL = "https://api.openai.com/v1"


class OpenAICompliant(ModelProvider):
    """A provider speaking OpenAI's API with a bearer key."""

    tool_calling = True

    api_key: Text | None = Field(description="The API key.", json_schema_extra={"secret": True})

    def _key(self, call: Call) -> str | None:
        key = call.env.optional(self.api_key, str)
        if not key:
            raise TaskFailure(f"{self.vendor}: `apiKey` is required")
        return key

    def _api(self, call: Call, default_url: str) -> tuple[ApiClient, bool]:
        key = self._key(call)
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        client = self.client(call, default_url, headers, [key])
        official = client.base_url.rstrip("/") == default_url
        return client, official

    def _chat(
        self,
        call: Call,
        messages: Sequence[Message],
        sampling: Sampling,
        default_url: str,
        tools: Sequence[ToolSpec] = (),
    ) -> ChatAnswer:
        refuse(self.vendor, {"topK": sampling.top_k})
        client, official = self._api(call, default_url)
        body = openai_wire.chat_body(self.model(call), messages, sampling, tools)
        # OpenAI's own API renamed the limit; compatible servers still read max_tokens.
        body[
            "max_completion_tokens" if official and self.type.endswith(".OpenAI") else "max_tokens"
        ] = sampling.max_tokens
        body["seed"] = sampling.seed
        body["response_format"] = openai_wire.response_format(
            sampling, json_schema=official and sampling.strict_json
        )
        body = {key: value for key, value in body.items() if value is not None}
        self.logged_request(call, sampling, body)
        answer, raw = openai_wire.chat(client, "chat/completions", body)
        self.logged_response(call, sampling, raw)
        return answer

    def _embed(self, call: Call, texts: Sequence[str], default_url: str) -> Embedded:
        client, _ = self._api(call, default_url)
        body = {"model": self.model(call), "input": list(texts)}
        return openai_wire.embed(client, "embeddings", body, len(texts))


class OpenAICompatibleService(OpenAICompliant):
    """A service that is OpenAI's API at another address (OpenRouter, LocalAI...)."""

    default_url: ClassVar[str | None] = None
    """The service's address when ``baseUrl`` is not set (None: ``baseUrl`` is required)."""

    def chat(
        self,
        call: Call,
        messages: Sequence[Message],
        sampling: Sampling,
        tools: Sequence[ToolSpec] = (),
    ) -> ChatAnswer:
        """Chat completions (``POST {baseUrl}/chat/completions``)."""
        return self._chat(call, messages, sampling, self.default_url or "", tools)

    def embed(self, call: Call, texts: Sequence[str]) -> Embedded:
        """Embeddings (``POST {baseUrl}/embeddings``)."""
        return self._embed(call, texts, self.default_url or "")


class OpenAI(OpenAICompliant):
    """OpenAI models, or any OpenAI-compatible server through `baseUrl`."""

    vendor = "OpenAI"

    type: Literal[
        "io.kestra.plugin.ai.provider.OpenAI", "io.kestra.plugin.langchain4j.provider.OpenAI"
    ]
    base_url: Text | None = Field(default=OPENAI_URL, description="The API base URL.")

    def chat(
        self,
        call: Call,
        messages: Sequence[Message],
        sampling: Sampling,
        tools: Sequence[ToolSpec] = (),
    ) -> ChatAnswer:
        """Chat completions (``POST {baseUrl}/chat/completions``)."""
        return self._chat(call, messages, sampling, OPENAI_URL, tools)

    def embed(self, call: Call, texts: Sequence[str]) -> Embedded:
        """Embeddings (``POST {baseUrl}/embeddings``)."""
        return self._embed(call, texts, OPENAI_URL)
