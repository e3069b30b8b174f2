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
    WriteDisposition,
    schema_fields,
    table_reference,
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


_SOURCE_FORMATS = {Format.JSON: "NEWLINE_DELIMITED_JSON"}


class LoadProperties(BigQueryConnection):
    """Kestra's ``AbstractLoad``."""

    destination_table: Text = Field(description="The table to load into (`project.dataset.table`).")
    format: Property[Format] | None = Field(
        default=None, description="CSV, JSON (newline-delimited), AVRO, PARQUET or ORC."
    )
    csv_options: CsvOptions | None = Field(default=None, description="How CSV is read.")
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
    """``jobId``, ``destinationTable`` and ``rows`` (the rows the job wrote)."""
    return {
        "jobId": job.job_id,
        "destinationTable": table_reference(job.destination),
        "rows": int(job.output_rows or 0),
    }
