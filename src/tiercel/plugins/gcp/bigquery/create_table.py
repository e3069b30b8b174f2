"""``io.kestra.plugin.gcp.bigquery.CreateTable``: create a table from a schema."""

from typing import Any

from pydantic import Field

from tiercel.plugins.cloud.env import Env
from tiercel.plugins.gcp.bigquery.common import BigQueryConnection, schema_fields, table_metadata
from tiercel.sdk import Property, RunContext, RunnableTask, Text, plugin


@plugin("io.kestra.plugin.gcp.bigquery.CreateTable")
class CreateTable(BigQueryConnection, RunnableTask):
    """Create a BigQuery table."""

    dataset: Text = Field(description="The dataset of the table.")
    table: Text = Field(description="The table to create.")
    table_definition: Property[dict[str, Any]] | None = Field(
        default=None,
        description="The table's definition: `type` (TABLE) and `schema.fields`, each with "
        "`name`, `type` (STRING, INT64...), `mode` (NULLABLE, REQUIRED, REPEATED), "
        "`description` and nested `subFields`.",
    )
    friendly_name: Text | None = Field(default=None, description="A user-friendly name.")
    description: Text | None = Field(default=None, description="A description of the table.")
    labels: Property[dict[str, str]] | None = Field(default=None, description="Its labels.")

    def run(self, ctx: RunContext) -> dict[str, Any]:
        """The table's metadata, as Kestra's ``TableMetadata``."""
        env = Env.of_task(ctx)
        bq = self.bigquery(env)
        dataset = env.value(self.dataset, str)
        name = env.value(self.table, str)
        project = env.optional(self.project_id, str) or str(bq.client.project)
        definition = env.optional(self.table_definition, dict[str, Any]) or {}
        fields = (definition.get("schema") or {}).get("fields") or []
        table = bq.module.Table(
            f"{project}.{dataset}.{name}", schema=schema_fields(bq.module, fields)
        )
        table.friendly_name = env.optional(self.friendly_name, str)
        table.description = env.optional(self.description, str)
        if self.labels is not None:
            table.labels = env.value(self.labels, dict[str, str])
        with bq.errors(f"Unable to create the table '{dataset}.{name}'"):
            created = bq.client.create_table(table)
        return table_metadata(created)
