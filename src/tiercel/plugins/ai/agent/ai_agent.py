"""``io.kestra.plugin.ai.agent.AIAgent``: a prompt answered by a model, with content
retrievers always consulted first."""

from pydantic import Field

from tiercel.plugins.ai.domain.chatting import call_of, chat_outputs, converse
from tiercel.plugins.ai.domain.configuration import ChatConfiguration
from tiercel.plugins.ai.domain.messages import Message, Role
from tiercel.plugins.ai.domain.outputs import AIOutput
from tiercel.plugins.ai.domain.retrieval import augmented
from tiercel.plugins.ai.domain.segments import Match
from tiercel.plugins.ai.provider import AnyModelProvider
from tiercel.plugins.ai.retriever import AnyContentRetriever
from tiercel.sdk import Example, Property, RunContext, RunnableTask, TaskFailure, Text, plugin

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
    """Run an AI agent: a prompt, a system message, and content retrievers."""

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
        default=None, description="Accepted; Tiercel has no AI tools yet."
    )
    tools: list[dict[str, object]] | None = Field(
        default=None, description="Not supported by Tiercel yet: a flow with tools fails."
    )

    def run(self, ctx: RunContext) -> AIAgentOutput:
        """``textOutput`` (or ``jsonOutput``), ``sources``, token usage..."""
        if self.tools:
            raise TaskFailure("AIAgent tools are not supported by Tiercel yet")
        call = call_of(ctx, self.timeout)
        prompt = str(ctx.render(self.prompt))
        matches: list[Match] = []
        for retriever in self.content_retrievers or []:
            matches += retriever.retrieve(call, prompt)
        messages = []
        if self.system_message is not None:
            messages.append(Message(Role.SYSTEM, str(ctx.render(self.system_message))))
        messages.append(Message(Role.USER, augmented(prompt, matches)))
        answer, sampling = converse(call, self.provider, messages, self.configuration)
        return AIAgentOutput(output_files={}, **chat_outputs(answer, sampling, matches))
