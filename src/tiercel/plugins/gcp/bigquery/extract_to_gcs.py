"""``io.kestra.plugin.gcp.bigquery.ExtractToGcs``: export a table to Cloud Storage files."""

from enum import StrEnum
from typing import Any

from pydantic import Field

from tiercel.plugins.cloud.env import Env
from tiercel.plugins.gcp.bigquery.common import BigQueryConnection
from tiercel.sdk import Property, RunContext, RunnableTask, Text, plugin


class ExtractFormat(StrEnum):
    """The files' format."""

    CSV = "CSV"
    JSON = "JSON"
    AVRO = "AVRO"
    PARQUET = "PARQUET"


@plugin("io.kestra.plugin.gcp.bigquery.ExtractToGcs")
class ExtractToGcs(BigQueryConnection, RunnableTask):
    """Export a BigQuery table to Cloud Storage files."""

    source_table: Text = Field(description="The table to export (`project.dataset.table`).")
    destination_uris: Property[list[str]] = Field(
        description="The `gs://` files to write (a `*` spreads a large table over files)."
    )
    format: Property[ExtractFormat] = Field(
        default=ExtractFormat.CSV, description="CSV, JSON (newline-delimited), AVRO or PARQUET."
    )
    compression: Text | None = Field(default=None, description="GZIP, DEFLATE, SNAPPY...")
    field_delimiter: Text | None = Field(default=None, description="CSV: the delimiter.")
    print_header: Property[bool] | None = Field(
        default=None, description="CSV: whether to write a header line."
    )
    use_avro_logical_types: Property[bool] | None = None
    labels: Property[dict[str, str]] | None = Field(default=None, description="The job's labels.")
    job_timeout_ms: Property[int] | None = Field(
        default=None, description="BigQuery cancels the job once it runs longer than this."
    )

    def run(self, ctx: RunContext) -> dict[str, Any]:
        """``jobId``, ``sourceTable`` (the table's name), ``destinationUris`` and
        ``fileCounts``."""
        env = Env.of_task(ctx)
        bq = self.bigquery(env)
        source = bq.table_id(env.value(self.source_table, str))
        destinations = env.value(self.destination_uris, list[str])
        kind = env.value(self.format, ExtractFormat)
        config = bq.module.ExtractJobConfig(
            destination_format="NEWLINE_DELIMITED_JSON"
            if kind is ExtractFormat.JSON
            else kind.value
        )
        config.compression = env.optional(self.compression, str)
        config.field_delimiter = env.optional(self.field_delimiter, str)
        config.print_header = env.optional(self.print_header, bool)
        config.use_avro_logical_types = env.optional(self.use_avro_logical_types, bool)
        if self.labels is not None:
            config.labels = env.value(self.labels, dict[str, str])
        config.job_timeout_ms = env.optional(self.job_timeout_ms, int)
        with bq.errors(f"Unable to extract '{source}'"):
            job = bq.job(
                env,
                self,
                lambda: bq.client.extract_table(source, destinations, job_config=config),
            )
        return {
            "jobId": job.job_id,
            # Kestra's output names the table alone, without its project and dataset.
            "sourceTable": source.rsplit(".", 1)[-1],
            "destinationUris": destinations,
            "fileCounts": list(job.destination_uri_file_counts or []),
        }
