"""``io.kestra.plugin.ai.provider.DeepSeek``: DeepSeek's OpenAI-compatible API."""

from collections.abc import Sequence
from typing import Literal

from pydantic import Field

from tiercel.plugins.ai.domain.configuration import Sampling
from tiercel.plugins.ai.domain.messages import Message, ToolSpec
from tiercel.plugins.ai.provider.base import Call, ChatAnswer, Embedded
from tiercel.plugins.ai.provider.open_ai import OpenAICompliant
from tiercel.sdk import Text

DEEPSEEK_URL = "https://api.deepseek.com/v1"


class DeepSeek(OpenAICompliant):
    """DeepSeek models."""

    vendor = "DeepSeek"

    type: Literal[
        "io.kestra.plugin.ai.provider.DeepSeek", "io.kestra.plugin.langchain4j.provider.DeepSeek"
    ]
    base_url: Text | None = Field(default=DEEPSEEK_URL, description="The API base URL.")

    def chat(
        self,
        call: Call,
        messages: Sequence[Message],
        sampling: Sampling,
        tools: Sequence[ToolSpec] = (),
    ) -> ChatAnswer:
        """Chat completions (``POST {baseUrl}/chat/completions``)."""
        return self._chat(call, messages, sampling, DEEPSEEK_URL, tools)

    def embed(self, call: Call, texts: Sequence[str]) -> Embedded:
        """Embeddings (``POST {baseUrl}/embeddings``)."""
        return self._embed(call, texts, DEEPSEEK_URL)
