"""``guardrails``: Pebble expressions checked on the user message before the model is asked,
and on its answer before it is returned. The first rule that does not hold stops the task
(successfully) with ``guardrailViolated`` and the rule's message, as Kestra does."""

from typing import Any

from pydantic import Field

from tiercel.plugins.ai.domain.outputs import TokenUsage
from tiercel.sdk import KestraModel, RunContext
from tiercel.sdk.credentials import one_line


class GuardrailRule(KestraModel):
    """A rule: an expression that must render `true`, and the message when it does not."""

    expression: str = Field(
        min_length=1,
        description="Must render `true`; input rules see `message`, output rules "
        "`response`, `finishReason`, `inputTokenCount` and `outputTokenCount`.",
    )
    message: str = Field(min_length=1, description="The violation message.")


class Guardrails(KestraModel):
    """Input and output guardrails."""

    input: list[GuardrailRule] | None = Field(
        default=None, description="Checked on the user message before it is sent to the LLM."
    )
    output: list[GuardrailRule] | None = Field(
        default=None, description="Checked on the AI response before it is returned."
    )


def input_violation(ctx: RunContext, guardrails: Guardrails | None, message: str) -> str | None:
    """``Input guardrail: <message>`` of the first input rule that fails, logged; else None."""
    if guardrails is None or not guardrails.input:
        return None
    return _violation(ctx, "Input", guardrails.input, {"message": message})


def output_violation(
    ctx: RunContext,
    guardrails: Guardrails | None,
    response: str,
    finish_reason: str | None,
    usage: TokenUsage | None,
) -> str | None:
    """``Output guardrail: <message>`` of the first output rule that fails, logged; else None."""
    if guardrails is None or not guardrails.output:
        return None
    variables = {
        "response": response,
        "finishReason": finish_reason or "",
        "inputTokenCount": (usage.input_token_count if usage else None) or 0,
        "outputTokenCount": (usage.output_token_count if usage else None) or 0,
    }
    return _violation(ctx, "Output", guardrails.output, variables)


def _violation(
    ctx: RunContext, kind: str, rules: list[GuardrailRule], variables: dict[str, Any]
) -> str | None:
    for rule in rules:
        try:
            held = str(ctx.render(rule.expression, variables)).strip().lower() == "true"
            message = rule.message
        except Exception as exc:
            held = False
            message = f"Guardrail expression evaluation failed: {one_line(str(exc))}"
        if not held:
            ctx.logger.warn(f"{kind} guardrail violated: {message}")
            return f"{kind} guardrail: {message}"
    return None
