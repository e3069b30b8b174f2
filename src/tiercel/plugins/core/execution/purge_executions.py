"""``io.kestra.plugin.core.execution.PurgeExecutions``: delete old executions and their data."""

from pydantic import Field

from tiercel.plugins.core.execution.count import instant
from tiercel.sdk import Output, Property, RunContext, RunnableTask, State, Text, is_truthy, plugin


class PurgeExecutionsOutput(Output):
    """What ``PurgeExecutions`` outputs."""

    executions_count: int = Field(description="How many executions were deleted.")
    logs_count: int = Field(description="How many log lines were deleted.")
    metrics_count: int = Field(description="How many metric values were deleted.")
    storages_count: int = Field(description="How many internal-storage files were deleted.")


@plugin(
    "io.kestra.plugin.core.execution.PurgeExecutions",
    aliases=["io.kestra.core.tasks.storages.Purge", "io.kestra.plugin.core.storage.Purge"],
)
class PurgeExecutions(RunnableTask[PurgeExecutionsOutput]):
    """Delete executions ended before a date, with their logs, metrics and files."""

    namespace: Text | None = Field(
        default=None, description="Namespace (a prefix unless ``flowId`` is set)."
    )
    flow_id: Text | None = Field(default=None, description="Only executions of this flow.")
    start_date: Text | None = Field(default=None, description="Only executions after this date.")
    end_date: Text = Field(description="Only executions before this date.")
    states: Property[list[State]] | None = Field(
        default=None, description="Only executions in these states; any state when unset."
    )
    purge_execution: Property[bool] = Field(default=True, description="Delete the executions.")
    purge_log: Property[bool] = Field(default=True, description="Delete their logs.")
    purge_metric: Property[bool] = Field(default=True, description="Delete their metrics.")
    purge_storage: Property[bool] = Field(
        default=True, description="Delete their files in internal storage."
    )
    batch_size: Property[int] = Field(default=100, description="Rows deleted per batch.")

    def run(self, ctx: RunContext) -> PurgeExecutionsOutput:
        """``executionsCount``, ``logsCount``, ``metricsCount``, ``storagesCount``."""
        start = instant(ctx.render(self.start_date)) if self.start_date is not None else None
        states = [State(s) for s in ctx.render(self.states)] if self.states is not None else None
        counts = ctx.executions().purge(
            str(ctx.render(self.namespace)) if self.namespace is not None else None,
            str(ctx.render(self.flow_id)) if self.flow_id is not None else None,
            states,
            start,
            instant(ctx.render(self.end_date)),
            executions=is_truthy(ctx.render(self.purge_execution)),
            logs=is_truthy(ctx.render(self.purge_log)),
            metrics=is_truthy(ctx.render(self.purge_metric)),
            storage=is_truthy(ctx.render(self.purge_storage)),
        )
        return PurgeExecutionsOutput.model_validate(counts)
