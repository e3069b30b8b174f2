"""``ModelProvider``: the properties every provider has, and the two calls a task makes on it
(chat and embed). Each vendor module maps these calls to its HTTP API."""

import json
import ssl
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, ClassVar

from pydantic import Field

from tiercel.plugins.ai.domain.configuration import Sampling
from tiercel.plugins.ai.domain.http import ApiClient
from tiercel.plugins.ai.domain.messages import Message, Role, ToolCall, ToolSpec
from tiercel.plugins.ai.domain.outputs import FinishReason, TokenUsage
from tiercel.plugins.cloud.env import Env
from tiercel.sdk import KestraModel, RunContext, TaskFailure, Text

DEFAULT_TIMEOUT = timedelta(seconds=120)
"""Kestra's: a task without ``timeout`` gives the model two minutes."""


@dataclass(frozen=True, slots=True)
class ChatAnswer:
    """A model's answer, whatever the vendor."""

    text: str
    finish_reason: FinishReason | None = None
    usage: TokenUsage | None = None
    response_id: str | None = None
    thinking: str | None = None
    duration_ms: int | None = None
    tool_calls: tuple[ToolCall, ...] = ()


@dataclass(frozen=True, slots=True)
class Embedded:
    """Vectors of texts, in their order, and the tokens the vendor counted."""

    vectors: list[list[float]]
    input_tokens: int | None = None


@dataclass(frozen=True, slots=True)
class Call:
    """What a provider needs from the task run: rendering, logs, a kill-aware sleep, and how
    long the model may take."""

    ctx: RunContext
    timeout: timedelta = DEFAULT_TIMEOUT
    env: Env = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "env", Env.of_task(self.ctx))


class ModelProvider(KestraModel):
    """A model provider: its model name, endpoint and TLS material."""

    vendor: ClassVar[str] = "the provider"
    tool_calling: ClassVar[bool] = False
    """Whether Tiercel maps tool calls for this vendor (OpenAI's function calling)."""

    type: str
    model_name: Text = Field(description="The model (or Azure deployment) to use.")
    base_url: Text | None = Field(
        default=None, description="Another endpoint than the vendor's (a gateway, a stand-in)."
    )
    client_pem: Text | None = Field(
        default=None,
        description="A PEM client certificate and key, for mutual TLS with an enterprise gateway.",
        json_schema_extra={"secret": True},
    )
    ca_pem: Text | None = Field(
        default=None, description="PEM CA certificates that sign the endpoint's certificate."
    )

    def chat(
        self,
        call: Call,
        messages: Sequence[Message],
        sampling: Sampling,
        tools: Sequence[ToolSpec] = (),
    ) -> ChatAnswer:
        """Ask the chat model for the next message.

        Raises:
            TaskFailure: the vendor refused the request or could not be reached.
        """
        raise TaskFailure(f"{self.vendor} does not provide chat models")

    def embed(self, call: Call, texts: Sequence[str]) -> Embedded:
        """Embed texts.

        Raises:
            TaskFailure: the vendor has no embedding models, refused, or could not be reached.
        """
        raise TaskFailure(f"{self.vendor} is currently not supported for embedding models")

    def model(self, call: Call) -> str:
        """The rendered model name."""
        name = call.env.optional(self.model_name, str)
        if not name:
            raise TaskFailure(f"{self.vendor}: `modelName` is required")
        return name

    def client(
        self,
        call: Call,
        default_url: str | None,
        headers: Mapping[str, str],
        secrets: Sequence[str | None],
        params: Mapping[str, str] | None = None,
    ) -> ApiClient:
        """A client for the vendor's API: ``baseUrl`` when set, else ``default_url``."""
        url = call.env.optional(self.base_url, str) or default_url
        if not url:
            raise TaskFailure(f"{self.vendor}: `baseUrl` is required")
        return ApiClient(
            vendor=self.vendor,
            base_url=url,
            headers=headers,
            timeout=call.timeout,
            secrets=tuple(secrets),
            sleep=call.ctx.sleep,
            params=params or {},
            tls=self._tls(call),
        )

    def _tls(self, call: Call) -> ssl.SSLContext | None:
        client_pem = call.env.optional(self.client_pem, str)
        ca_pem = call.env.optional(self.ca_pem, str)
        if client_pem is None and ca_pem is None:
            return None
        context = (
            ssl.create_default_context(cadata=ca_pem) if ca_pem else ssl.create_default_context()
        )
        if client_pem:
            # ssl reads a certificate chain from a file only: a private one in the task's
            # working directory, removed once loaded.
            path = call.ctx.working_dir() / ".client.pem"
            path.write_text(client_pem, encoding="utf-8")
            path.chmod(0o600)
            try:
                context.load_cert_chain(str(path))
            except (ssl.SSLError, ValueError) as exc:
                raise TaskFailure(
                    f"{self.vendor}: `clientPem` is not a PEM certificate and key: {exc}"
                ) from None
            finally:
                path.unlink(missing_ok=True)
        return context

    def logged_request(self, call: Call, sampling: Sampling, body: Mapping[str, Any]) -> None:
        """Log the request body when ``logRequests`` asks for it (keys are in headers only)."""
        if sampling.log_requests:
            call.ctx.logger.info(f"{self.vendor} request: {json.dumps(body, ensure_ascii=False)}")

    def logged_response(self, call: Call, sampling: Sampling, answer: Mapping[str, Any]) -> None:
        """Log the answer when ``logResponses`` asks for it."""
        if sampling.log_responses:
            call.ctx.logger.info(
                f"{self.vendor} response: {json.dumps(answer, ensure_ascii=False)}"
            )


def timed(client: ApiClient, path: str, body: Mapping[str, Any]) -> tuple[dict[str, Any], int]:
    """POST and measure how long the answer took, in milliseconds."""
    start = time.monotonic()
    answer = client.post(path, body)
    return answer, int((time.monotonic() - start) * 1000)


def split_system(messages: Sequence[Message]) -> tuple[str | None, list[Message]]:
    """The system message (vendors that take it apart: Gemini, Anthropic) and the others."""
    system = [message.text for message in messages if message.role is Role.SYSTEM]
    rest = [message for message in messages if message.role is not Role.SYSTEM]
    return ("\n".join(system) if system else None), rest


def refuse(vendor: str, unsupported: Mapping[str, Any]) -> None:
    """Fail on settings a vendor does not take, as Kestra does (``topK`` for OpenAI...)."""
    for name, value in unsupported.items():
        if value is not None:
            raise TaskFailure(f"{vendor} models do not support setting the {name} parameter.")


def usage(input_tokens: Any, output_tokens: Any, total: Any = None) -> TokenUsage | None:
    """Token usage from a vendor's counts, the total computed when it is not given."""
    ins = input_tokens if isinstance(input_tokens, int) else None
    outs = output_tokens if isinstance(output_tokens, int) else None
    if ins is None and outs is None and not isinstance(total, int):
        return None
    if not isinstance(total, int):
        total = (ins or 0) + (outs or 0)
    return TokenUsage(input_token_count=ins, output_token_count=outs, total_token_count=total)


def prune(body: Mapping[str, Any]) -> dict[str, Any]:
    """A request body without its unset (None) entries: the vendor's defaults apply."""
    return {key: value for key, value in body.items() if value is not None}
