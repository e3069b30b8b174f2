"""Outputs the AI tasks share, under Kestra's names."""

from enum import StrEnum
from typing import Any

from pydantic import Field

from tiercel.sdk import Output


class FinishReason(StrEnum):
    """Why the model stopped (langchain4j's ``FinishReason``, which Kestra outputs)."""

    STOP = "STOP"
    LENGTH = "LENGTH"
    TOOL_EXECUTION = "TOOL_EXECUTION"
    CONTENT_FILTER = "CONTENT_FILTER"
    OTHER = "OTHER"


class TokenUsage(Output):
    """Tokens counted by the provider."""

    input_token_count: int | None = Field(default=None, description="Tokens of the prompt.")
    output_token_count: int | None = Field(default=None, description="Tokens generated.")
    total_token_count: int | None = Field(default=None, description="Input plus output.")


class ContentSource(Output):
    """A segment a retriever gave the model."""

    content: str = Field(description="The segment's text.")
    metadata: dict[str, Any] | None = Field(
        default=None, description="Where it comes from (file name, URL, document metadata)."
    )


class AIOutput(Output):
    """What a chat task returns."""

    text_output: str | None = Field(
        default=None, description="The answer, for the TEXT response format."
    )
    json_output: dict[str, Any] | None = Field(
        default=None, description="The answer, for the JSON response format."
    )
    token_usage: TokenUsage | None = Field(default=None, description="Token usage.")
    finish_reason: FinishReason | None = Field(default=None, description="Why the model stopped.")
    tool_executions: list[dict[str, Any]] = Field(
        default_factory=list, description="The tools run: request id, name, arguments and result."
    )
    intermediate_responses: list[dict[str, Any]] = Field(
        default_factory=list, description="Answers before the last one (with tools)."
    )
    request_duration: int | None = Field(
        default=None, description="How long the model took to answer, in milliseconds."
    )
    thinking: str | None = Field(default=None, description="The model's reasoning, if returned.")
    sources: list[ContentSource] = Field(
        default_factory=list, description="The segments retrieved for the answer (RAG)."
    )
    guardrail_violated: bool = Field(
        default=False, description="Whether a guardrail rule was violated."
    )
    guardrail_violation_message: str | None = Field(
        default=None, description="The message of the first violated guardrail rule."
    )
