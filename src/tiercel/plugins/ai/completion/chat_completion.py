"""``io.kestra.plugin.ai.completion.ChatCompletion``: the next message of a conversation."""

from typing import Any

from pydantic import Field, TypeAdapter, ValidationError

from tiercel.plugins.ai.conversation import converse_in_session
from tiercel.plugins.ai.domain.chatting import call_of, chat_outputs
from tiercel.plugins.ai.domain.configuration import ChatConfiguration
from tiercel.plugins.ai.domain.guardrails import Guardrails, input_violation, output_violation
from tiercel.plugins.ai.domain.messages import ROLES, ChatMessage, ChatMessageType, Message
from tiercel.plugins.ai.domain.outputs import AIOutput
from tiercel.plugins.ai.provider import AnyModelProvider
from tiercel.plugins.ai.tool import AnyTool
from tiercel.sdk import Example, Property, RunContext, RunnableTask, TaskFailure, plugin

_EXAMPLE = """\
id: chat_completion
namespace: company.ai

inputs:
  - id: prompt
    type: STRING
    defaults: What is the capital of France?

tasks:
  - id: chat_completion
    type: io.kestra.plugin.ai.completion.ChatCompletion
    provider:
      type: io.kestra.plugin.ai.provider.GoogleGemini
      apiKey: "{{ secret('GEMINI_API_KEY') }}"
      modelName: gemini-2.5-flash
    messages:
      - type: SYSTEM
        content: You are a helpful assistant, answer concisely.
      - type: USER
        content: "{{ inputs.prompt }}"
"""

_MESSAGES: TypeAdapter[list[ChatMessage]] = TypeAdapter(list[ChatMessage])


class ChatCompletionOutput(AIOutput):
    """The answer, and the deprecated ``aiResponse``."""

    ai_response: str | None = Field(
        default=None, description="Deprecated: use `textOutput` or `jsonOutput`."
    )


def rendered_messages(ctx: RunContext, messages: Any) -> list[Message]:
    """The messages, rendered: one system message at most, and a user message last.

    Raises:
        TaskFailure: the messages are malformed or out of order.
    """
    try:
        if isinstance(messages, str):
            parsed = _MESSAGES.validate_python(ctx.render(messages))
        else:
            parsed = list(messages)
    except ValidationError as exc:
        problem = "; ".join(error["msg"] for error in exc.errors())
        raise TaskFailure(f"Invalid messages: {problem}") from None
    if not parsed:
        raise TaskFailure("`messages` must hold at least one message")
    if sum(message.type is ChatMessageType.SYSTEM for message in parsed) > 1:
        raise TaskFailure("Only one system message is allowed")
    if parsed[-1].type is not ChatMessageType.USER:
        raise TaskFailure("The last message must be a user message")
    return [Message(ROLES[message.type], str(ctx.render(message.text()))) for message in parsed]


@plugin(
    "io.kestra.plugin.ai.completion.ChatCompletion",
    aliases=[
        "io.kestra.plugin.langchain4j.ChatCompletion",
        "io.kestra.plugin.langchain4j.completion.ChatCompletion",
    ],
    examples=[Example("Chat completion with Google Gemini", _EXAMPLE, needs=("gemini",))],
)
class ChatCompletion(RunnableTask[ChatCompletionOutput]):
    """Run a chat completion: the model's answer to a list of messages."""

    messages: Property[list[ChatMessage]] = Field(
        description="The conversation: one SYSTEM message at most, a USER message last."
    )
    provider: AnyModelProvider = Field(description="The language model provider.")
    configuration: ChatConfiguration = Field(
        default_factory=ChatConfiguration, description="Chat configuration."
    )
    tools: list[AnyTool] | None = Field(
        default=None, description="Tools the model may call (flows, tasks, MCP servers)."
    )
    guardrails: Guardrails | None = Field(
        default=None,
        description="Rules on the prompt and the answer; the first that fails stops the task "
        "with `guardrailViolated`.",
    )

    def run(self, ctx: RunContext) -> ChatCompletionOutput:
        """``textOutput`` (or ``jsonOutput``), ``tokenUsage``, ``finishReason``..."""
        messages = rendered_messages(ctx, self.messages)
        violation = input_violation(ctx, self.guardrails, messages[-1].text)
        if violation:
            return ChatCompletionOutput(
                guardrail_violated=True, guardrail_violation_message=violation
            )
        call = call_of(ctx, self.timeout)
        exchange, sampling = converse_in_session(
            call, self.provider, self.configuration, messages, self.tools or ()
        )
        answer = exchange.answer
        finish = answer.finish_reason.value if answer.finish_reason else None
        violation = output_violation(ctx, self.guardrails, answer.text, finish, exchange.usage)
        if violation:
            return ChatCompletionOutput(
                guardrail_violated=True, guardrail_violation_message=violation
            )
        outputs = chat_outputs(exchange, sampling)
        return ChatCompletionOutput(ai_response=outputs["text_output"], **outputs)
