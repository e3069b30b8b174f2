"""What ``Load`` and ``LoadFromGcs`` share: Kestra's ``AbstractLoad`` properties and the
load job's outputs (not a plugin)."""

from enum import StrEnum
from typing import Any

from pydantic import Field

from tiercel.plugins.cloud.env import Env
from tiercel.plugins.gcp.bigquery.common import (
    BigQuery,
    BigQueryConnection,
    CreateDisposition,
    DestinationLayout,
    WriteDisposition,
    schema_fields,
)
from tiercel.sdk import KestraModel, Property, Text


class Format(StrEnum):
    """The source files' format."""

    CSV = "CSV"
    JSON = "JSON"
    AVRO = "AVRO"
    PARQUET = "PARQUET"
    ORC = "ORC"


class CsvOptions(KestraModel):
    """How CSV sources are read."""

    field_delimiter: Text | None = None
    skip_leading_rows: Property[int] | None = None
    quote: Text | None = None
    allow_jagged_rows: Property[bool] | None = None
    allow_quoted_new_lines: Property[bool] | None = None
    encoding: Text | None = None


class AvroOptions(KestraModel):
    """How Avro sources are read."""

    use_avro_logical_types: Property[bool] | None = Field(
        default=None,
        description="Read Avro logical types as the matching BigQuery types (TIMESTAMP...) "
        "instead of their raw types (INTEGER...).",
    )


_SOURCE_FORMATS = {Format.JSON: "NEWLINE_DELIMITED_JSON"}


class LoadProperties(BigQueryConnection, DestinationLayout):
    """Kestra's ``AbstractLoad``."""

    destination_table: Text = Field(description="The table to load into (`project.dataset.table`).")
    format: Property[Format] | None = Field(
        default=None, description="CSV, JSON (newline-delimited), AVRO, PARQUET or ORC."
    )
    csv_options: CsvOptions | None = Field(default=None, description="How CSV is read.")
    avro_options: AvroOptions | None = Field(default=None, description="How Avro is read.")
    schema_: Property[dict[str, Any]] | None = Field(
        default=None, alias="schema", description="The table schema: `fields`, as in CreateTable."
    )
    autodetect: Property[bool] | None = Field(
        default=None, description="Infer the schema and the CSV options from the data."
    )
    write_disposition: Property[WriteDisposition] | None = None
    create_disposition: Property[CreateDisposition] | None = None
    ignore_unknown_values: Property[bool] | None = None
    max_bad_records: Property[int] | None = None

    def job_config(self, env: Env, bq: BigQuery) -> Any:
        """The load job's configuration."""
        config = bq.module.LoadJobConfig()
        if self.format is not None:
            kind = env.value(self.format, Format)
            config.source_format = _SOURCE_FORMATS.get(kind, kind.value)
        if self.csv_options is not None:
            options = self.csv_options
            config.field_delimiter = env.optional(options.field_delimiter, str)
            config.skip_leading_rows = env.optional(options.skip_leading_rows, int)
            config.quote_character = env.optional(options.quote, str)
            config.allow_jagged_rows = env.optional(options.allow_jagged_rows, bool)
            config.allow_quoted_newlines = env.optional(options.allow_quoted_new_lines, bool)
            config.encoding = env.optional(options.encoding, str)
        if self.avro_options is not None:
            config.use_avro_logical_types = env.optional(
                self.avro_options.use_avro_logical_types, bool
            )
        self.apply_layout(env, bq.module, config)
        schema = env.optional(self.schema_, dict[str, Any])
        if schema is not None:
            config.schema = schema_fields(bq.module, list(schema.get("fields") or []))
        config.autodetect = env.optional(self.autodetect, bool)
        if self.write_disposition is not None:
            config.write_disposition = env.value(self.write_disposition, WriteDisposition).value
        if self.create_disposition is not None:
            config.create_disposition = env.value(self.create_disposition, CreateDisposition).value
        config.ignore_unknown_values = env.optional(self.ignore_unknown_values, bool)
        config.max_bad_records = env.optional(self.max_bad_records, int)
        return config


def load_outputs(job: Any) -> dict[str, Any]:
    """``jobId``, ``destinationTable`` (``project.dataset.table``, as Kestra writes it) and
    ``rows`` (the rows the job wrote)."""
    table = job.destination
    return {
        "jobId": job.job_id,
        "destinationTable": f"{table.project}.{table.dataset_id}.{table.table_id}",
        "rows": int(job.output_rows or 0),
    }
