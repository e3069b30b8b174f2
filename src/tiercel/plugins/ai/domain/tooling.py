"""The function-calling loop of the chat tasks, as langchain4j's AI services run it: the model
answers with tool calls, each tool runs, its result goes back as a TOOL message, and the model
is asked again until it answers without tool calls."""

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from tiercel.plugins.ai.domain.configuration import Sampling
from tiercel.plugins.ai.domain.messages import Message, Role, ToolCall, ToolSpec
from tiercel.plugins.ai.domain.outputs import TokenUsage
from tiercel.plugins.ai.provider.base import Call, ChatAnswer, ModelProvider
from tiercel.sdk import TaskFailure


@dataclass(frozen=True, slots=True)
class AgentTool:
    """A tool the model may call: what it sees, and what runs (JSON arguments in, text out)."""

    spec: ToolSpec
    execute: Callable[[dict[str, Any]], str]


@dataclass(slots=True)
class Exchange:
    """A finished conversation turn: the last answer, the messages it added after the ones
    given (tool calls, tool results, the answer), and what the tools did."""

    answer: ChatAnswer
    added: list[Message] = field(default_factory=list)
    usage: TokenUsage | None = None
    tool_executions: list[dict[str, Any]] = field(default_factory=list)
    intermediate_responses: list[dict[str, Any]] = field(default_factory=list)


def tool_turns(
    call: Call,
    provider: ModelProvider,
    messages: Sequence[Message],
    sampling: Sampling,
    tools: Sequence[AgentTool],
    max_invocations: int | None,
) -> Exchange:
    """Ask the model, running the tools it calls, until it answers without tool calls.

    ``max_invocations`` bounds the rounds of tool calls (langchain4j's
    ``maxSequentialToolsInvocations``; unbounded when None).

    Raises:
        TaskFailure: the provider cannot call tools, the model called a tool that does not
            exist or with arguments that are not JSON, a tool failed, or the rounds ran out.
    """
    by_name = {tool.spec.name: tool for tool in tools}
    if len(by_name) != len(tools):
        names = [tool.spec.name for tool in tools]
        twice = sorted({name for name in names if names.count(name) > 1})
        raise TaskFailure(f"Two tools have the same name: {', '.join(twice)}")
    if tools and not provider.tool_calling:
        raise TaskFailure(
            f"{provider.vendor}: tools are not supported by Tiercel for this provider yet"
        )
    history = list(messages) if provider.tool_calling else without_tool_messages(messages)
    specs = [tool.spec for tool in tools]
    exchange = Exchange(answer=ChatAnswer(text=""))
    rounds_left = max_invocations
    while True:
        answer = provider.chat(call, history, sampling, specs)
        exchange.usage = summed(exchange.usage, answer.usage)
        exchange.answer = answer
        reply = Message(Role.ASSISTANT, answer.text, tool_calls=answer.tool_calls)
        history.append(reply)
        exchange.added.append(reply)
        if not answer.tool_calls:
            return exchange
        if rounds_left is not None:
            if rounds_left <= 0:
                raise TaskFailure(
                    f"Something is wrong, exceeded {max_invocations} sequential tool invocations"
                )
            rounds_left -= 1
        exchange.intermediate_responses.append(intermediate(answer))
        for request in answer.tool_calls:
            result = executed(call, by_name, request)
            exchange.tool_executions.append(
                {
                    "requestId": request.id,
                    "requestName": request.name,
                    "requestArguments": arguments_of(request),
                    "result": result,
                }
            )
            message = Message(Role.TOOL, result, tool_call_id=request.id, tool_name=request.name)
            history.append(message)
            exchange.added.append(message)


def executed(call: Call, tools: dict[str, AgentTool], request: ToolCall) -> str:
    """Run the tool a call names.

    Raises:
        TaskFailure: no such tool, arguments that are not a JSON object, or the tool failed.
    """
    tool = tools.get(request.name)
    if tool is None:
        raise TaskFailure(
            f"The LLM is trying to execute the '{request.name}' tool, but no such tool exists "
            f"(tools: {', '.join(sorted(tools)) or 'none'})"
        )
    arguments = arguments_of(request)
    call.ctx.logger.debug(f"Tool execution request: {request.name} {request.arguments}")
    try:
        result = tool.execute(arguments)
    except TaskFailure as failed:
        raise TaskFailure(f"Tool '{request.name}' failed: {failed}") from None
    call.ctx.logger.debug(f"Tool '{request.name}' answered: {result[:500]}")
    return result


def arguments_of(request: ToolCall) -> dict[str, Any]:
    """The call's arguments as a JSON object (an empty text is no argument).

    Raises:
        TaskFailure: the model wrote something else than a JSON object.
    """
    if not request.arguments.strip():
        return {}
    try:
        parsed = json.loads(request.arguments)
    except ValueError:
        parsed = None
    if not isinstance(parsed, dict):
        raise TaskFailure(
            f"The LLM called tool '{request.name}' with arguments that are not a JSON object: "
            f"{request.arguments[:200]!r}"
        )
    return parsed


def intermediate(answer: ChatAnswer) -> dict[str, Any]:
    """An answer that asked for tools, as Kestra's ``intermediateResponses`` show it."""
    usage = answer.usage.model_dump(by_alias=True) if answer.usage else None
    return {
        "id": answer.response_id,
        "completion": answer.text or None,
        "tokenUsage": usage,
        "finishReason": answer.finish_reason.value if answer.finish_reason else None,
        "toolExecutionRequests": [
            {"id": request.id, "name": request.name, "arguments": arguments_of(request)}
            for request in answer.tool_calls
        ],
        "requestDuration": answer.duration_ms,
    }


def summed(total: TokenUsage | None, more: TokenUsage | None) -> TokenUsage | None:
    """Token counts added up across the calls of one turn."""
    if total is None or more is None:
        return more or total

    def add(a: int | None, b: int | None) -> int | None:
        return None if a is None and b is None else (a or 0) + (b or 0)

    return TokenUsage(
        input_token_count=add(total.input_token_count, more.input_token_count),
        output_token_count=add(total.output_token_count, more.output_token_count),
        total_token_count=add(total.total_token_count, more.total_token_count),
    )


def without_tool_messages(messages: Sequence[Message]) -> list[Message]:
    """A history for a provider without tool calling: tool results and the empty assistant
    messages that asked for them left out (a memory may hold them from another task)."""
    return [
        message
        for message in messages
        if message.role is not Role.TOOL and (message.text or not message.tool_calls)
    ]
