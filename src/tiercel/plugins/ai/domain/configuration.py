"""``configuration`` (``chatConfiguration`` in ``rag.ChatCompletion``): how the model samples
and in which format it answers, rendered once into ``Sampling`` for a provider to map."""

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from pydantic import Field

from tiercel.plugins.cloud.env import Env
from tiercel.sdk import KestraModel, Property, TaskFailure, Text


class ResponseFormatType(StrEnum):
    """Plain text, or a JSON object."""

    TEXT = "TEXT"
    JSON = "JSON"


class ResponseFormat(KestraModel):
    """The expected output format."""

    type: Property[ResponseFormatType] = Field(
        default=ResponseFormatType.TEXT, description="`TEXT` (default) or `JSON`."
    )
    json_schema: Property[dict[str, Any]] | None = Field(
        default=None, description="A JSON Schema the answer follows (with `type: JSON`)."
    )
    json_schema_description: Text | None = Field(
        default=None, description="What the schema describes, to help the model."
    )
    strict_json: Property[bool] = Field(
        default=False, description="Ask providers that support it to enforce the schema."
    )


class ChatConfiguration(KestraModel):
    """Sampling and output settings; a provider refuses those its vendor does not take."""

    temperature: Property[float] | None = Field(default=None, description="Randomness, 0–1.")
    top_k: Property[int] | None = Field(default=None, description="Sample among the K likeliest.")
    top_p: Property[float] | None = Field(default=None, description="Nucleus sampling mass.")
    seed: Property[int] | None = Field(default=None, description="A seed for repeatable output.")
    log_requests: Property[bool] | None = Field(
        default=None, description="Log the prompts sent, at INFO."
    )
    log_responses: Property[bool] | None = Field(
        default=None, description="Log the raw answers, at INFO."
    )
    response_format: ResponseFormat | None = Field(
        default=None, description="TEXT by default; JSON puts the answer in `jsonOutput`."
    )
    thinking_enabled: Property[bool] | None = Field(
        default=None, description="Let models that can reason before answering do so."
    )
    thinking_budget_tokens: Property[int] | None = Field(
        default=None, description="Tokens allowed for reasoning."
    )
    return_thinking: Property[bool] | None = Field(
        default=None, description="Return the reasoning text in `thinking`."
    )
    max_token: Property[int] | None = Field(
        default=None, description="The most tokens the model may generate."
    )
    prompt_caching: Property[bool] | None = Field(
        default=None, description="Cache the system message (Anthropic only)."
    )

    def sampling(self, env: Env) -> "Sampling":
        """The rendered settings."""
        form = self.response_format
        kind = ResponseFormatType.TEXT
        schema: dict[str, Any] | None = None
        description = None
        strict = False
        if form is not None:
            kind = env.value(form.type, ResponseFormatType)
            schema = env.optional(form.json_schema, dict[str, Any])
            description = env.optional(form.json_schema_description, str)
            strict = env.value(form.strict_json, bool)
            if kind is ResponseFormatType.TEXT and schema is not None:
                raise TaskFailure("`jsonSchema` property is only allowed when `type` is `JSON`")
            if kind is ResponseFormatType.TEXT and strict:
                raise TaskFailure("`strictJson` property is only allowed when `type` is `JSON`")
        return Sampling(
            temperature=env.optional(self.temperature, float),
            top_k=env.optional(self.top_k, int),
            top_p=env.optional(self.top_p, float),
            seed=env.optional(self.seed, int),
            max_tokens=env.optional(self.max_token, int),
            log_requests=bool(env.optional(self.log_requests, bool)),
            log_responses=bool(env.optional(self.log_responses, bool)),
            response_format=kind,
            json_schema=schema,
            json_schema_description=description,
            strict_json=strict,
            thinking_enabled=env.optional(self.thinking_enabled, bool),
            thinking_budget=env.optional(self.thinking_budget_tokens, int),
            return_thinking=env.optional(self.return_thinking, bool),
            prompt_caching=bool(env.optional(self.prompt_caching, bool)),
        )


@dataclass(frozen=True, slots=True)
class Sampling:
    """A rendered ``ChatConfiguration``; None means "the vendor's default"."""

    temperature: float | None = None
    top_k: int | None = None
    top_p: float | None = None
    seed: int | None = None
    max_tokens: int | None = None
    log_requests: bool = False
    log_responses: bool = False
    response_format: ResponseFormatType = ResponseFormatType.TEXT
    json_schema: dict[str, Any] | None = None
    json_schema_description: str | None = None
    strict_json: bool = False
    thinking_enabled: bool | None = None
    thinking_budget: int | None = None
    return_thinking: bool | None = None
    prompt_caching: bool = False

    @property
    def json(self) -> bool:
        """Whether the answer must be a JSON object."""
        return self.response_format is ResponseFormatType.JSON
