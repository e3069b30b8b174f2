"""``io.kestra.plugin.core.execution.Assert``: fail unless every condition is truthy."""

from pydantic import Field

from tiercel.sdk import RunnableTask, Text, plugin


@plugin("io.kestra.plugin.core.execution.Assert")
class Assert(RunnableTask):
    """Render each condition and fail if any of them is falsy."""

    conditions: list[Text] = Field(description="Expressions that must all render truthy.")
    error_message: Text | None = Field(
        default=None, description="Added to the error raised when an assertion fails."
    )
