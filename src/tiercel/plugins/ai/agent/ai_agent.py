"""``io.kestra.plugin.ai.agent.AIAgent``: a prompt answered by a model, with content
retrievers always consulted first, tools it may call, and a memory of the conversation."""

from pydantic import Field

from tiercel.plugins.ai.conversation import converse_in_session
from tiercel.plugins.ai.domain.chatting import call_of, chat_outputs
from tiercel.plugins.ai.domain.configuration import ChatConfiguration
from tiercel.plugins.ai.domain.guardrails import Guardrails, input_violation, output_violation
from tiercel.plugins.ai.domain.messages import Message, Role
from tiercel.plugins.ai.domain.outputs import AIOutput
from tiercel.plugins.ai.domain.retrieval import augmented
from tiercel.plugins.ai.domain.segments import Match
from tiercel.plugins.ai.memory import AnyMemory
from tiercel.plugins.ai.provider import AnyModelProvider
from tiercel.plugins.ai.retriever import AnyContentRetriever
from tiercel.plugins.ai.tool import AnyTool
from tiercel.sdk import Example, Property, RunContext, RunnableTask, Text, plugin

_EXAMPLE = """\
id: agent_with_rag
namespace: company.ai

tasks:
  - id: agent
    type: io.kestra.plugin.ai.agent.AIAgent
    provider:
      type: io.kestra.plugin.ai.provider.GoogleGemini
      modelName: gemini-2.5-flash
      apiKey: "{{ secret('GEMINI_API_KEY') }}"
    contentRetrievers:
      - type: io.kestra.plugin.ai.retriever.EmbeddingStoreRetriever
        embeddings:
          type: io.kestra.plugin.ai.embeddings.KestraKVStore
          kvName: docs-embedding-store
        embeddingProvider:
          type: io.kestra.plugin.ai.provider.GoogleGemini
          modelName: gemini-embedding-001
          apiKey: "{{ secret('GEMINI_API_KEY') }}"
        maxResults: 5
    systemMessage: You answer questions about our documentation.
    prompt: How do I configure a retry?
"""


class AIAgentOutput(AIOutput):
    """The agent's answer."""

    output_files: dict[str, str] | None = Field(
        default=None, description="Files of the working directory (none without tools)."
    )


@plugin(
    "io.kestra.plugin.ai.agent.AIAgent",
    examples=[Example("An agent that reads an embedding store first", _EXAMPLE, needs=("gemini",))],
)
class AIAgent(RunnableTask[AIAgentOutput]):
    """Run an AI agent: a prompt, a system message, content retrievers, tools and memory."""

    system_message: Text | None = Field(default=None, description="The system message.")
    prompt: Text = Field(description="The prompt.")
    provider: AnyModelProvider = Field(description="The language model provider.")
    configuration: ChatConfiguration = Field(
        default_factory=ChatConfiguration, description="Chat configuration."
    )
    content_retrievers: list[AnyContentRetriever] | None = Field(
        default=None, description="Retrievers always queried with the prompt."
    )
    max_sequential_tools_invocations: Property[int] | None = Field(
        default=None, description="The most rounds of tool calls in a row (unbounded)."
    )
    tools: list[AnyTool] | None = Field(
        default=None, description="Tools the model may call (flows, tasks, MCP servers)."
    )
    memory: AnyMemory | None = Field(
        default=None, description="A memory: the conversation kept across tasks."
    )
    guardrails: Guardrails | None = Field(
        default=None,
        description="Rules on the prompt and the answer; the first that fails stops the task "
        "with `guardrailViolated`.",
    )

    def run(self, ctx: RunContext) -> AIAgentOutput:
        """``textOutput`` (or ``jsonOutput``), ``sources``, token usage, tool executions..."""
        call = call_of(ctx, self.timeout)
        prompt = str(ctx.render(self.prompt))
        violation = input_violation(ctx, self.guardrails, prompt)
        if violation:
            return AIAgentOutput(guardrail_violated=True, guardrail_violation_message=violation)
        matches: list[Match] = []
        for retriever in self.content_retrievers or []:
            matches += retriever.retrieve(call, prompt)
        messages = []
        if self.system_message is not None:
            messages.append(Message(Role.SYSTEM, str(ctx.render(self.system_message))))
        messages.append(Message(Role.USER, augmented(prompt, matches)))
        limit = self.max_sequential_tools_invocations
        exchange, sampling = converse_in_session(
            call,
            self.provider,
            self.configuration,
            messages,
            self.tools or (),
            self.memory,
            ctx.render_as(limit, int) if limit is not None else None,
        )
        answer = exchange.answer
        finish = answer.finish_reason.value if answer.finish_reason else None
        violation = output_violation(ctx, self.guardrails, answer.text, finish, exchange.usage)
        if violation:
            return AIAgentOutput(guardrail_violated=True, guardrail_violation_message=violation)
        return AIAgentOutput(output_files={}, **chat_outputs(exchange, sampling, matches))
