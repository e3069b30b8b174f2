"""``io.kestra.plugin.ai.completion.JSONStructuredExtraction``: named fields out of a text,
as a JSON object."""

import dataclasses

from pydantic import Field

from tiercel.plugins.ai.domain.chatting import call_of, converse, parsed_json
from tiercel.plugins.ai.domain.configuration import ChatConfiguration, ResponseFormatType
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
id: json_structured_extraction
namespace: company.ai

tasks:
  - id: extract_person
    type: io.kestra.plugin.ai.completion.JSONStructuredExtraction
    schemaName: Person
    jsonFields:
      - name
      - city
    prompt: Hello, my name is John. I live in Paris.
    provider:
      type: io.kestra.plugin.ai.provider.GoogleGemini
      apiKey: "{{ secret('GEMINI_API_KEY') }}"
      modelName: gemini-2.5-flash
"""


class JSONStructuredExtractionOutput(Output):
    """The extracted JSON."""

    schema_name: str | None = Field(default=None, description="The schema name.")
    extracted_json: str | None = Field(default=None, description="The JSON the model answered.")
    token_usage: TokenUsage | None = Field(default=None, description="Token usage.")
    finish_reason: FinishReason | None = Field(default=None, description="Why the model stopped.")
    guardrail_violated: bool = Field(
        default=False, description="Whether a guardrail rule was violated."
    )
    guardrail_violation_message: str | None = Field(
        default=None, description="The message of the first violated guardrail rule."
    )


@plugin(
    "io.kestra.plugin.ai.completion.JSONStructuredExtraction",
    aliases=[
        "io.kestra.plugin.langchain4j.JSONStructuredExtraction",
        "io.kestra.plugin.langchain4j.completion.JSONStructuredExtraction",
    ],
    examples=[Example("Extract a person's name and city", _EXAMPLE, needs=("gemini",))],
)
class JSONStructuredExtraction(RunnableTask[JSONStructuredExtractionOutput]):
    """Extract named fields from a text as a JSON object."""

    prompt: Text = Field(description="The text to extract from.")
    system_message: Text = Field(
        default="You are a structured JSON extraction assistant. Always respond with valid JSON.",
        description="The instruction.",
    )
    schema_name: Text = Field(description="The name of the JSON schema.")
    json_fields: Property[list[str]] = Field(description="The fields to extract (all required).")
    provider: AnyModelProvider = Field(description="The language model provider.")
    configuration: ChatConfiguration = Field(
        default_factory=ChatConfiguration, description="Chat configuration."
    )
    guardrails: Guardrails | None = Field(
        default=None,
        description="Rules on the prompt and the answer; the first that fails stops the task "
        "with `guardrailViolated`.",
    )

    def run(self, ctx: RunContext) -> JSONStructuredExtractionOutput:
        """``extractedJson``: a JSON object with every field, as text."""
        fields = ctx.render_as(self.json_fields, list[str])
        if not fields:
            raise TaskFailure("`jsonFields` must name at least one field")
        prompt = str(ctx.render(self.prompt))
        violation = input_violation(ctx, self.guardrails, prompt)
        if violation:
            return JSONStructuredExtractionOutput(
                guardrail_violated=True, guardrail_violation_message=violation
            )
        call = call_of(ctx, self.timeout)
        schema = {
            "type": "object",
            "properties": {name: {"type": "string"} for name in fields},
            "required": fields,
        }
        sampling = dataclasses.replace(
            self.configuration.sampling(call.env),
            response_format=ResponseFormatType.JSON,
            json_schema=schema,
        )
        messages = [
            Message(Role.SYSTEM, str(ctx.render(self.system_message))),
            Message(Role.USER, prompt),
        ]
        answer, _ = converse(call, self.provider, messages, self.configuration, sampling)
        finish = answer.finish_reason.value if answer.finish_reason else None
        violation = output_violation(ctx, self.guardrails, answer.text, finish, answer.usage)
        if violation:
            return JSONStructuredExtractionOutput(
                guardrail_violated=True, guardrail_violation_message=violation
            )
        parsed_json(answer.text)  # fail now on a broken answer, not in the next task
        return JSONStructuredExtractionOutput(
            schema_name=str(ctx.render(self.schema_name)),
            extracted_json=answer.text,
            token_usage=answer.usage,
            finish_reason=answer.finish_reason,
        )
