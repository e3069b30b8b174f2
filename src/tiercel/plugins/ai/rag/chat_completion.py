"""``io.kestra.plugin.ai.rag.ChatCompletion``: answer a prompt with the segments of an
embedding store (and of other content retrievers) put in front of the model."""

from pydantic import Field

from tiercel.plugins.ai.conversation import converse_in_session
from tiercel.plugins.ai.domain.chatting import call_of, chat_outputs
from tiercel.plugins.ai.domain.configuration import ChatConfiguration
from tiercel.plugins.ai.domain.guardrails import Guardrails, input_violation, output_violation
from tiercel.plugins.ai.domain.messages import Message, Role
from tiercel.plugins.ai.domain.outputs import AIOutput
from tiercel.plugins.ai.domain.retrieval import augmented, retrieve
from tiercel.plugins.ai.domain.segments import Match
from tiercel.plugins.ai.embeddings import AnyEmbeddingStore
from tiercel.plugins.ai.memory import AnyMemory
from tiercel.plugins.ai.provider import AnyModelProvider
from tiercel.plugins.ai.retriever import AnyContentRetriever
from tiercel.plugins.ai.tool import AnyTool
from tiercel.sdk import Example, KestraModel, RunContext, RunnableTask, TaskFailure, Text, plugin

_EXAMPLE = """\
id: rag
namespace: company.ai

tasks:
  - id: ingest
    type: io.kestra.plugin.ai.rag.IngestDocument
    provider:
      type: io.kestra.plugin.ai.provider.GoogleGemini
      modelName: gemini-embedding-001
      apiKey: "{{ secret('GEMINI_API_KEY') }}"
    embeddings:
      type: io.kestra.plugin.ai.embeddings.KestraKVStore
    drop: true
    fromExternalURLs:
      - https://raw.githubusercontent.com/kestra-io/docs/refs/heads/main/content/blogs/release-0-24.md

  - id: chat_with_rag
    type: io.kestra.plugin.ai.rag.ChatCompletion
    chatProvider:
      type: io.kestra.plugin.ai.provider.GoogleGemini
      modelName: gemini-2.5-flash
      apiKey: "{{ secret('GEMINI_API_KEY') }}"
    embeddingProvider:
      type: io.kestra.plugin.ai.provider.GoogleGemini
      modelName: gemini-embedding-001
      apiKey: "{{ secret('GEMINI_API_KEY') }}"
    embeddings:
      type: io.kestra.plugin.ai.embeddings.KestraKVStore
    systemMessage: You are a helpful assistant that can answer questions about Kestra.
    prompt: Which features were released in Kestra 0.24?
"""


class ContentRetrieverConfiguration(KestraModel):
    """Limits of the embedding-store retrieval."""

    max_results: int = Field(default=3, description="The most segments retrieved.")
    min_score: float = Field(default=0.0, description="The lowest relevance, 0 to 1.")


class RagChatCompletionOutput(AIOutput):
    """The answer, and the deprecated ``completion``."""

    completion: str | None = Field(default=None, description="Deprecated: use `textOutput`.")


@plugin(
    "io.kestra.plugin.ai.rag.ChatCompletion",
    aliases=["io.kestra.plugin.langchain4j.rag.ChatCompletion"],
    examples=[Example("Chat with your documents (RAG)", _EXAMPLE, needs=("gemini",))],
)
class ChatCompletion(RunnableTask[RagChatCompletionOutput]):
    """Answer a prompt from an embedding store's segments (retrieval-augmented generation)."""

    system_message: Text | None = Field(default=None, description="The system message.")
    prompt: Text = Field(description="The user prompt.")
    embeddings: AnyEmbeddingStore | None = Field(
        default=None, description="The embedding store; optional with `contentRetrievers`."
    )
    embedding_provider: AnyModelProvider | None = Field(
        default=None, description="Embeds the prompt; `chatProvider` when unset."
    )
    chat_provider: AnyModelProvider = Field(description="The chat model provider.")
    chat_configuration: ChatConfiguration = Field(
        default_factory=ChatConfiguration, description="Chat configuration."
    )
    content_retriever_configuration: ContentRetrieverConfiguration = Field(
        default_factory=ContentRetrieverConfiguration,
        description="Limits of the embedding-store retrieval.",
    )
    content_retrievers: list[AnyContentRetriever] | None = Field(
        default=None, description="More content retrievers, always queried."
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

    def run(self, ctx: RunContext) -> RagChatCompletionOutput:
        """``textOutput``, ``sources`` (the segments given to the model), token usage..."""
        if self.embeddings is None and not self.content_retrievers:
            raise TaskFailure("Either `embeddings` or `contentRetrievers` must be provided.")
        call = call_of(ctx, self.timeout)
        prompt = str(ctx.render(self.prompt))
        violation = input_violation(ctx, self.guardrails, prompt)
        if violation:
            return RagChatCompletionOutput(
                guardrail_violated=True, guardrail_violation_message=violation
            )
        matches: list[Match] = []
        if self.embeddings is not None:
            limits = self.content_retriever_configuration
            matches += retrieve(
                call,
                self.embedding_provider or self.chat_provider,
                self.embeddings,
                prompt,
                limits.max_results,
                limits.min_score,
            )
        for retriever in self.content_retrievers or []:
            matches += retriever.retrieve(call, prompt)
        messages = []
        if self.system_message is not None:
            messages.append(Message(Role.SYSTEM, str(ctx.render(self.system_message))))
        messages.append(Message(Role.USER, augmented(prompt, matches)))
        answer, sampling = converse_in_session(
            call,
            self.chat_provider,
            self.chat_configuration,
            messages,
            self.tools or (),
            self.memory,
        )
        last = answer.answer
        finish = last.finish_reason.value if last.finish_reason else None
        violation = output_violation(ctx, self.guardrails, last.text, finish, answer.usage)
        if violation:
            return RagChatCompletionOutput(
                guardrail_violated=True, guardrail_violation_message=violation
            )
        outputs = chat_outputs(answer, sampling, matches)
        return RagChatCompletionOutput(completion=outputs["text_output"], **outputs)
