"""``io.kestra.plugin.core.log.PurgeLogs``: delete logs in bulk."""

from pydantic import Field

from tiercel.sdk import LogLevel, Property, RunnableTask, Text, plugin


@plugin("io.kestra.plugin.core.log.PurgeLogs")
class PurgeLogs(RunnableTask):
    """Delete the logs of a namespace, flow or execution written before a date."""

    namespace: Text | None = Field(
        default=None, description="Namespace (a prefix unless ``flowId`` is set)."
    )
    flow_id: Text | None = Field(default=None, description="Only the logs of this flow.")
    execution_id: Text | None = Field(default=None, description="Only the logs of this execution.")
    log_levels: Property[list[LogLevel]] | None = Field(
        default=None, description="Only logs of these levels; every level when unset."
    )
    start_date: Text | None = Field(default=None, description="Only logs written after this date.")
    end_date: Text = Field(description="Only logs written before this date.")
    purge_execution_logs: Property[bool] = Field(
        default=True, description="Delete logs attached to an execution (Kestra 1.x)."
    )
    purge_non_execution_logs: Property[bool] = Field(
        default=True, description="Delete logs attached to no execution, such as triggers' (1.x)."
    )
    batch_size: Property[int] | None = Field(
        default=None, description="Delete this many rows per statement (MySQL only, 1.x)."
    )
