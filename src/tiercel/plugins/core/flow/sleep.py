"""``io.kestra.plugin.core.flow.Sleep``: wait for a fixed duration on a worker."""

from datetime import timedelta

from pydantic import Field

from tiercel.sdk import Duration, Property, RunContext, RunnableTask, format_duration, plugin


@plugin("io.kestra.plugin.core.flow.Sleep")
class Sleep(RunnableTask):
    """Wait for the given duration, then succeed."""

    duration: Property[Duration] = Field(description="How long to wait, e.g. ``PT5S``.")

    def run(self, ctx: RunContext) -> None:
        """Wait; a kill interrupts the wait."""
        duration = ctx.render_as(self.duration, timedelta)
        ctx.logger.info(f"Waiting for {format_duration(duration)}")
        ctx.sleep(duration.total_seconds())
