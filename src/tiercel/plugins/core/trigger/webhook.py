"""``io.kestra.plugin.core.trigger.Webhook``: start an execution from an HTTP call."""

from enum import StrEnum
from typing import Annotated, Any

from pydantic import Field

from tiercel.plugins.core.condition.multiple_condition import MultipleCondition
from tiercel.sdk import Property, Text, Trigger, Violation, plugin

RESPONSE_CONTENT_TYPES = ("application/json", "text/plain")


class FetchType(StrEnum):
    """What the trigger does with the request body."""

    NONE = "NONE"
    FETCH = "FETCH"
    STORE = "STORE"


@plugin(
    "io.kestra.plugin.core.trigger.Webhook",
    aliases=["io.kestra.core.models.triggers.types.Webhook"],
)
class Webhook(Trigger):
    """Start an execution when ``/executions/webhook/{namespace}/{flowId}/{key}`` is called."""

    key: Annotated[Text, Field(min_length=1, max_length=256)] = Field(
        description="The secret last part of the URL; rendered, so it may be an expression."
    )
    inputs: dict[str, Any] | None = None
    fetch_type: FetchType = Field(
        default=FetchType.FETCH,
        description="`FETCH`: body as `trigger.body`; `STORE`: stored, as `trigger.uri`; "
        "`NONE`: dropped.",
    )
    wait: bool = Field(default=False, description="Answer only once the execution has ended.")
    return_outputs: bool = Field(
        default=False, description="Answer with the flow outputs; needs `wait`."
    )
    response_content_type: str | None = Field(
        default=None, description="`application/json` or `text/plain`."
    )
    response_code: Property[int] | None = None

    def violations(self) -> list[Violation]:
        """Refuse a blank key, MultipleCondition conditions and unknown response types."""
        found = super().violations()
        if not self.key.strip():
            found.append(Violation(("key",), "must not be blank"))
        for index, condition in enumerate(self.conditions or []):
            if isinstance(condition, MultipleCondition):
                found.append(
                    Violation(
                        ("conditions", index),
                        "invalid webhook: conditions of type MultipleCondition are not supported",
                    )
                )
        if (
            self.response_content_type is not None
            and self.response_content_type not in RESPONSE_CONTENT_TYPES
        ):
            found.append(
                Violation(
                    ("responseContentType",),
                    "invalid webhook: responseContentType must be either 'application/json' "
                    "or 'text/plain'",
                )
            )
        return found
