"""``io.kestra.plugin.ai.provider.AzureOpenAI``: an Azure OpenAI deployment."""

from collections.abc import Sequence
from typing import Literal

from pydantic import Field

from tiercel.plugins.ai.domain.configuration import Sampling
from tiercel.plugins.ai.domain.http import ApiClient
from tiercel.plugins.ai.domain.messages import Message, ToolSpec
from tiercel.plugins.ai.provider import openai_wire
from tiercel.plugins.ai.provider.base import Call, ChatAnswer, Embedded, ModelProvider, refuse
from tiercel.sdk import TaskFailure, Text

API_VERSION = "2024-10-21"
"""The newest generally available data-plane version, used when ``serviceVersion`` is unset."""


class AzureOpenAI(ModelProvider):
    """Azure-hosted OpenAI models: `modelName` is the deployment name."""

    vendor = "Azure OpenAI"
    tool_calling = True

    type: Literal[
        "io.kestra.plugin.ai.provider.AzureOpenAI",
        "io.kestra.plugin.langchain4j.provider.AzureOpenAI",
    ]
    api_key: Text | None = Field(
        default=None, description="The API key.", json_schema_extra={"secret": True}
    )
    endpoint: Text = Field(description="`https://{resource}.openai.azure.com/`")
    service_version: Text | None = Field(default=None, description="The API version.")
    tenant_id: Text | None = Field(default=None, description="Entra ID tenant (not supported).")
    client_id: Text | None = Field(default=None, description="Entra ID client (not supported).")
    client_secret: Text | None = Field(
        default=None,
        description="Entra ID secret (not supported).",
        json_schema_extra={"secret": True},
    )

    def _api(self, call: Call) -> ApiClient:
        env = call.env
        key = env.optional(self.api_key, str)
        if not key:
            if env.optional(self.client_id, str) and env.optional(self.tenant_id, str):
                raise TaskFailure(
                    "AzureOpenAI: Entra ID client credentials are not supported by Tiercel yet; "
                    "set `apiKey`"
                )
            raise TaskFailure("You need to set an API Key or a tenantId, clientId and clientSecret")
        endpoint = env.optional(self.base_url, str) or env.value(self.endpoint, str)
        deployment = self.model(call)
        version = env.optional(self.service_version, str) or API_VERSION
        url = f"{endpoint.rstrip('/')}/openai/deployments/{deployment}"
        return ApiClient(
            vendor=self.vendor,
            base_url=url,
            headers={"api-key": key},
            timeout=call.timeout,
            secrets=(key,),
            sleep=call.ctx.sleep,
            params={"api-version": version},
            tls=self._tls(call),
        )

    def chat(
        self,
        call: Call,
        messages: Sequence[Message],
        sampling: Sampling,
        tools: Sequence[ToolSpec] = (),
    ) -> ChatAnswer:
        """``POST {endpoint}/openai/deployments/{modelName}/chat/completions``."""
        refuse("Azure OpenAI", {"topK": sampling.top_k})
        body = openai_wire.chat_body(None, messages, sampling, tools)
        body["max_completion_tokens"] = sampling.max_tokens
        body["seed"] = sampling.seed
        body["response_format"] = openai_wire.response_format(sampling, json_schema=True)
        body = {key: value for key, value in body.items() if value is not None}
        self.logged_request(call, sampling, body)
        answer, raw = openai_wire.chat(self._api(call), "chat/completions", body)
        self.logged_response(call, sampling, raw)
        return answer

    def embed(self, call: Call, texts: Sequence[str]) -> Embedded:
        """``POST {endpoint}/openai/deployments/{modelName}/embeddings``."""
        return openai_wire.embed(self._api(call), "embeddings", {"input": list(texts)}, len(texts))
