"""``io.kestra.plugin.ai.completion.Classification``: put a text in one of given classes."""

from pydantic import Field

from tiercel.plugins.ai.domain.chatting import call_of, converse
from tiercel.plugins.ai.domain.configuration import ChatConfiguration
from tiercel.plugins.ai.domain.guardrails import Guardrails, input_violation, output_violation
from tiercel.plugins.ai.domain.messages import Message, Role
from tiercel.plugins.ai.domain.outputs import FinishReason, TokenUsage
from tiercel.plugins.ai.provider import AnyModelProvider
from tiercel.sdk import (
    Example,
    Output,
    Property,
    RunContext,
    RunnableTask,
    TaskFailure,
    Text,
    plugin,
)

_EXAMPLE = """\
id: text_categorization
namespace: company.ai

tasks:
  - id: categorize
    type: io.kestra.plugin.ai.completion.Classification
    prompt: "Categorize the sentiment of: I love this product!"
    classes:
      - positive
      - negative
      - neutral
    provider:
      type: io.kestra.plugin.ai.provider.GoogleGemini
      apiKey: "{{ secret('GEMINI_API_KEY') }}"
      modelName: gemini-2.5-flash
"""

DEFAULT_SYSTEM_MESSAGE = (
    "Respond by only one of the following classes by typing just the exact class name: "
    "{{ classes }}"
)


class ClassificationOutput(Output):
    """The class the model chose."""

    classification: str | None = Field(default=None, description="The model's answer.")
    token_usage: TokenUsage | None = Field(default=None, description="Token usage.")
    finish_reason: FinishReason | None = Field(default=None, description="Why the model stopped.")
    guardrail_violated: bool = Field(
        default=False, description="Whether a guardrail rule was violated."
    )
    guardrail_violation_message: str | None = Field(
        default=None, description="The message of the first violated guardrail rule."
    )


@plugin(
    "io.kestra.plugin.ai.completion.Classification",
    aliases=[
        "io.kestra.plugin.langchain4j.Classification",
        "io.kestra.plugin.langchain4j.completion.Classification",
    ],
    examples=[Example("Classify the sentiment of a text", _EXAMPLE, needs=("gemini",))],
)
class Classification(RunnableTask[ClassificationOutput]):
    """Classify a text into one of the given classes."""

    prompt: Text = Field(description="The text to classify.")
    classes: Property[list[str]] = Field(description="The possible classes.")
    system_message: Text = Field(
        default=DEFAULT_SYSTEM_MESSAGE,
        description="The instruction; `{{ classes }}` is the list of classes.",
    )
    provider: AnyModelProvider = Field(description="The language model provider.")
    configuration: ChatConfiguration = Field(
        default_factory=ChatConfiguration, description="Chat configuration."
    )
    guardrails: Guardrails | None = Field(
        default=None,
        description="Rules on the prompt and the answer; the first that fails stops the task "
        "with `guardrailViolated`.",
    )

    def run(self, ctx: RunContext) -> ClassificationOutput:
        """``classification``: the model's answer, stripped of surrounding blanks."""
        prompt = str(ctx.render(self.prompt))
        violation = input_violation(ctx, self.guardrails, prompt)
        if violation:
            return ClassificationOutput(
                guardrail_violated=True, guardrail_violation_message=violation
            )
        classes = ctx.render_as(self.classes, list[str])
        if not classes:
            raise TaskFailure("`classes` must hold at least one class")
        system = str(ctx.render(self.system_message, {"classes": classes}))
        messages = [Message(Role.SYSTEM, system), Message(Role.USER, prompt)]
        answer, _ = converse(
            call_of(ctx, self.timeout), self.provider, messages, self.configuration
        )
        finish = answer.finish_reason.value if answer.finish_reason else None
        violation = output_violation(ctx, self.guardrails, answer.text, finish, answer.usage)
        if violation:
            return ClassificationOutput(
                guardrail_violated=True, guardrail_violation_message=violation
            )
        return ClassificationOutput(
            classification=answer.text.strip(),
            token_usage=answer.usage,
            finish_reason=answer.finish_reason,
        )
