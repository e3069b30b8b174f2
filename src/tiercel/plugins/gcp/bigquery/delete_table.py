"""``io.kestra.plugin.gcp.bigquery.DeleteTable``: delete a table or a partition."""

from typing import Any

from pydantic import Field

from tiercel.plugins.cloud.env import Env
from tiercel.plugins.gcp.bigquery.common import BigQueryConnection
from tiercel.sdk import RunContext, RunnableTask, Text, plugin


@plugin("io.kestra.plugin.gcp.bigquery.DeleteTable")
class DeleteTable(BigQueryConnection, RunnableTask):
    """Delete a BigQuery table (or one partition: `table$20240101`)."""

    dataset: Text = Field(description="The dataset of the table.")
    table: Text = Field(description="The table to delete.")

    def run(self, ctx: RunContext) -> dict[str, Any]:
        """``projectId``, ``datasetId`` and ``table``; a missing table fails the task."""
        env = Env.of_task(ctx)
        bq = self.bigquery(env)
        dataset = env.value(self.dataset, str)
        table = env.value(self.table, str)
        project = env.optional(self.project_id, str) or str(bq.client.project)
        with bq.errors(f"Unable to delete the table '{dataset}.{table}'"):
            bq.client.delete_table(f"{project}.{dataset}.{table}")
        return {"projectId": project, "datasetId": dataset, "table": table}
