"""A chat task's turn with its tools and memory: the tools opened for the turn and closed
after it, the memory loaded before and saved after (even when the turn fails, as Kestra
does)."""

from collections.abc import Sequence

from tiercel.plugins.ai.domain.chatting import converse_with_tools
from tiercel.plugins.ai.domain.configuration import ChatConfiguration, Sampling
from tiercel.plugins.ai.domain.messages import Message
from tiercel.plugins.ai.domain.tooling import AgentTool, Exchange
from tiercel.plugins.ai.memory.kestra_kv_store import ChatMemory, MemoryProvider
from tiercel.plugins.ai.provider.base import Call, ModelProvider
from tiercel.plugins.ai.tool import OpenTools, ToolProvider


def converse_in_session(
    call: Call,
    provider: ModelProvider,
    configuration: ChatConfiguration,
    messages: Sequence[Message],
    tools: Sequence[ToolProvider] = (),
    memory: MemoryProvider | None = None,
    max_invocations: int | None = None,
) -> tuple[Exchange, Sampling]:
    """Answer ``messages`` (with a memory: the remembered ones, then these), running the
    tools the model calls."""
    opened: list[OpenTools] = []
    remembered: ChatMemory | None = None
    try:
        agent_tools: list[AgentTool] = []
        for provider_of_tools in tools:
            opened.append(provider_of_tools.open(call.ctx))
            agent_tools += opened[-1].tools
        if memory is not None:
            remembered = memory.open(call.ctx)
            for message in messages:
                remembered.add(message)
            messages = list(remembered.messages)
        exchange, sampling = converse_with_tools(
            call, provider, messages, configuration, None, agent_tools, max_invocations
        )
        if remembered is not None:
            for message in exchange.added:
                remembered.add(message)
        return exchange, sampling
    finally:
        for tools_opened in opened:
            tools_opened.close()
        if remembered is not None:
            remembered.close()
