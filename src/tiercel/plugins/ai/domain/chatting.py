"""One chat turn as every chat task runs it: render the configuration, call the provider,
record token metrics, and build Kestra's outputs."""

import json
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from tiercel.plugins.ai.domain.configuration import ChatConfiguration, Sampling
from tiercel.plugins.ai.domain.messages import Message
from tiercel.plugins.ai.domain.outputs import ContentSource, TokenUsage
from tiercel.plugins.ai.domain.segments import Match
from tiercel.plugins.ai.domain.tooling import AgentTool, Exchange, tool_turns
from tiercel.plugins.ai.provider.base import DEFAULT_TIMEOUT, Call, ChatAnswer, ModelProvider
from tiercel.sdk import Property, RunContext, TaskFailure

PROVIDER_CALLS = "ai.provider.calls"
STORE_CALLS = "ai.embedding.store.calls"


def call_of(ctx: RunContext, timeout: Property[Any] | None) -> Call:
    """The provider call settings: the task's ``timeout``, two minutes by default."""
    span = ctx.render_as(timeout, timedelta) if timeout is not None else DEFAULT_TIMEOUT
    return Call(ctx, span)


def provider_used(ctx: RunContext, provider: ModelProvider) -> None:
    """Count a use of a provider, tagged with its type as Kestra tags it with its class."""
    ctx.metric(PROVIDER_CALLS, 1, tags={"provider": provider.type})


def converse(
    call: Call,
    provider: ModelProvider,
    messages: Sequence[Message],
    configuration: ChatConfiguration,
    sampling: Sampling | None = None,
) -> tuple[ChatAnswer, Sampling]:
    """Ask the model; record the token metrics."""
    exchange, sampling = converse_with_tools(call, provider, messages, configuration, sampling)
    return exchange.answer, sampling


def converse_with_tools(
    call: Call,
    provider: ModelProvider,
    messages: Sequence[Message],
    configuration: ChatConfiguration,
    sampling: Sampling | None = None,
    tools: Sequence[AgentTool] = (),
    max_invocations: int | None = None,
) -> tuple[Exchange, Sampling]:
    """Ask the model, running the tools it calls; record the token metrics (summed over the
    calls of the turn)."""
    sampling = sampling or configuration.sampling(call.env)
    provider_used(call.ctx, provider)
    exchange = tool_turns(call, provider, messages, sampling, tools, max_invocations)
    call.ctx.logger.debug(f"Generated completion: {exchange.answer.text}")
    token_metrics(call.ctx, exchange.usage)
    return exchange, sampling


def token_metrics(ctx: RunContext, usage: TokenUsage | None) -> None:
    """Kestra's token counters."""
    if usage is None:
        return
    ctx.metric("input.token.count", usage.input_token_count or 0)
    ctx.metric("output.token.count", usage.output_token_count or 0)
    ctx.metric("total.token.count", usage.total_token_count or 0)


def chat_outputs(
    answer: ChatAnswer | Exchange, sampling: Sampling, matches: Sequence[Match] = ()
) -> dict[str, Any]:
    """The fields of Kestra's ``AIOutput``: ``textOutput`` or ``jsonOutput`` by the response
    format, token usage, finish reason, duration, thinking, the retrieved sources, and with
    tools their executions and the answers that asked for them."""
    exchange = answer if isinstance(answer, Exchange) else Exchange(answer, usage=answer.usage)
    answer = exchange.answer
    return {
        "text_output": None if sampling.json else answer.text,
        "json_output": parsed_json(answer.text) if sampling.json else None,
        "token_usage": exchange.usage,
        "tool_executions": exchange.tool_executions,
        "intermediate_responses": exchange.intermediate_responses,
        "finish_reason": answer.finish_reason,
        "request_duration": answer.duration_ms,
        "thinking": answer.thinking,
        "sources": [
            ContentSource(content=match.segment.text, metadata=match.segment.metadata or None)
            for match in matches
        ],
    }


def parsed_json(text: str) -> dict[str, Any]:
    """The model's answer as a JSON object.

    Raises:
        TaskFailure: the answer is not a JSON object.
    """
    try:
        value = json.loads(text) if text.strip() else {}
    except ValueError as exc:
        raise TaskFailure(f"The model did not answer valid JSON ({exc}): {text[:200]!r}") from None
    if not isinstance(value, dict):
        raise TaskFailure(f"The model answered JSON that is not an object: {text[:200]!r}")
    return value
