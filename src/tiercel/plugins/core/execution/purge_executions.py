"""``io.kestra.plugin.core.execution.PurgeExecutions``: delete old executions and their data."""

from pydantic import Field

from tiercel.sdk import Property, RunnableTask, State, Text, plugin


@plugin(
    "io.kestra.plugin.core.execution.PurgeExecutions",
    aliases=["io.kestra.core.tasks.storages.Purge", "io.kestra.plugin.core.storage.Purge"],
)
class PurgeExecutions(RunnableTask):
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
