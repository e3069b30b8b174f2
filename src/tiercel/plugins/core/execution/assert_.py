"""``io.kestra.plugin.core.execution.Assert``: fail unless every condition is truthy."""

from pydantic import Field

from tiercel.sdk import RunContext, RunnableTask, TaskFailure, Text, is_truthy, plugin


@plugin("io.kestra.plugin.core.execution.Assert")
class Assert(RunnableTask):
    """Render each condition and fail if any of them is falsy."""

    conditions: list[Text] = Field(description="Expressions that must all render truthy.")
    error_message: Text | None = Field(
        default=None, description="Added to the error raised when an assertion fails."
    )

    def run(self, ctx: RunContext) -> None:
        """Fail listing every condition that renders falsy."""
        failed = [c for c in self.conditions if not is_truthy(ctx.render(c))]
        ctx.metric("success", len(self.conditions) - len(failed))
        ctx.metric("failed", len(failed))
        if failed:
            message = "Assertion `" + "`, `".join(failed) + "` failed!"
            if self.error_message:
                message = f"{ctx.render(self.error_message)}: {message}"
            raise TaskFailure(message)
