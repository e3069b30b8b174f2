"""``io.kestra.plugin.ai.provider.MistralAI``: Mistral's chat and embeddings API."""

from collections.abc import Sequence
from typing import Literal

from pydantic import Field

from tiercel.plugins.ai.domain.configuration import Sampling
from tiercel.plugins.ai.domain.http import ApiClient
from tiercel.plugins.ai.domain.messages import Message, ToolSpec
from tiercel.plugins.ai.provider import openai_wire
from tiercel.plugins.ai.provider.base import Call, ChatAnswer, Embedded, ModelProvider, refuse
from tiercel.sdk import TaskFailure, Text

MISTRAL_URL = "https://api.mistral.ai/v1"


class MistralAI(ModelProvider):
    """Mistral models: chat and embeddings."""

    vendor = "Mistral AI"
    tool_calling = True

    type: Literal[
        "io.kestra.plugin.ai.provider.MistralAI", "io.kestra.plugin.langchain4j.provider.MistralAI"
    ]
    api_key: Text = Field(description="The API key.", json_schema_extra={"secret": True})

    def _api(self, call: Call) -> ApiClient:
        key = call.env.optional(self.api_key, str)
        if not key:
            raise TaskFailure("MistralAI: `apiKey` is required")
        return self.client(call, MISTRAL_URL, {"Authorization": f"Bearer {key}"}, [key])

    def chat(
        self,
        call: Call,
        messages: Sequence[Message],
        sampling: Sampling,
        tools: Sequence[ToolSpec] = (),
    ) -> ChatAnswer:
        """``POST {baseUrl}/chat/completions`` (Mistral names the seed ``random_seed``)."""
        refuse("Mistral", {"topK": sampling.top_k})
        body = openai_wire.chat_body(self.model(call), messages, sampling, tools)
        body["max_tokens"] = sampling.max_tokens
        body["random_seed"] = sampling.seed
        body["response_format"] = openai_wire.response_format(
            sampling, json_schema=sampling.strict_json
        )
        body = {key: value for key, value in body.items() if value is not None}
        self.logged_request(call, sampling, body)
        answer, raw = openai_wire.chat(self._api(call), "chat/completions", body)
        self.logged_response(call, sampling, raw)
        return answer

    def embed(self, call: Call, texts: Sequence[str]) -> Embedded:
        """``POST {baseUrl}/embeddings``."""
        body = {"model": self.model(call), "input": list(texts)}
        return openai_wire.embed(self._api(call), "embeddings", body, len(texts))
