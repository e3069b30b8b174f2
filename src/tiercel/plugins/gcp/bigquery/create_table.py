"""``io.kestra.plugin.gcp.bigquery.CreateTable``: create a table from a schema."""

from datetime import UTC, datetime, timedelta
from typing import Any

from pydantic import Field

from tiercel.plugins.cloud.env import Env
from tiercel.plugins.gcp.bigquery.common import (
    BigQueryConnection,
    EncryptionConfiguration,
    schema_fields,
    table_metadata,
)
from tiercel.sdk import Duration, Property, RunContext, RunnableTask, Text, plugin


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
    require_partition_filter: Property[bool] | None = Field(
        default=None, description="Refuse queries that do not filter on the partition column."
    )
    encryption_configuration: EncryptionConfiguration | None = Field(
        default=None, description="The Cloud KMS key of the table's data."
    )
    expiration_duration: Property[Duration] | None = Field(
        default=None, description="Delete the table this long after its creation."
    )

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
        if self.require_partition_filter is not None:
            table.require_partition_filter = env.value(self.require_partition_filter, bool)
        if self.encryption_configuration is not None:
            table.encryption_configuration = self.encryption_configuration.to_sdk(env, bq.module)
        lifetime = env.optional(self.expiration_duration, timedelta)
        if lifetime is not None:
            table.expires = datetime.now(UTC) + lifetime
        with bq.errors(f"Unable to create the table '{dataset}.{name}'"):
            created = bq.client.create_table(table)
        return table_metadata(created)
