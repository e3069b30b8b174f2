"""``io.kestra.plugin.serdes.parquet.IonToParquet`` (formerly ``ParquetWriter``): Ion to a
Parquet file, written a row group at a time."""

from enum import StrEnum
from itertools import islice
from typing import Any

from pydantic import Field

from tiercel.plugins.serdes.avro_options import AvroConversion
from tiercel.plugins.serdes.files import library, new_file, upload
from tiercel.plugins.serdes.outputs import FileOutput
from tiercel.plugins.serdes.parquet.arrow_schema import arrow_schema
from tiercel.sdk import Example, Property, RunContext, RunnableTask, TaskFailure, plugin

_BATCH = 10_000

_EXAMPLE = """\
id: ion_to_parquet
namespace: company.team
tasks:
  - id: write
    type: io.kestra.plugin.core.storage.Write
    extension: .ion
    content: |
      {job_title:"engineer",avg_salary:120000.5e0}
      {job_title:"analyst",avg_salary:80000.25e0}
  - id: result
    type: io.kestra.plugin.serdes.parquet.IonToParquet
    from: "{{ outputs.write.uri }}"
    compressionCodec: ZSTD
    schema: |
      {"type": "record", "name": "Salary", "fields": [
        {"name": "job_title", "type": "string"},
        {"name": "avg_salary", "type": "double"}
      ]}
"""


class CompressionCodec(StrEnum):
    """Parquet's compression codecs that Kestra offers."""

    UNCOMPRESSED = "UNCOMPRESSED"
    SNAPPY = "SNAPPY"
    GZIP = "GZIP"
    ZSTD = "ZSTD"


class Version(StrEnum):
    """The Parquet writer version."""

    V1 = "V1"
    V2 = "V2"


@plugin(
    "io.kestra.plugin.serdes.parquet.IonToParquet",
    aliases=["io.kestra.plugin.serdes.parquet.ParquetWriter"],
    examples=[Example("Write Ion rows as a Parquet file with a schema", _EXAMPLE)],
)
class IonToParquet(AvroConversion, RunnableTask[FileOutput]):
    """Convert an Ion file into a Parquet file (an Avro schema given, or inferred)."""

    compression_codec: Property[CompressionCodec] = Field(
        default=CompressionCodec.GZIP, description="The compression codec."
    )
    parquet_version: Property[Version] = Field(
        default=Version.V2, description="The Parquet format version (V2: data pages v2)."
    )
    row_group_size: Property[int] = Field(
        default=128 * 1024 * 1024,
        description="The target size of a row group, in bytes (of the rows in memory).",
    )
    page_size: Property[int] = Field(default=1024 * 1024, description="Target page size, bytes.")
    dictionary_page_size: Property[int] = Field(
        default=1024 * 1024, description="Max dictionary page size, in bytes."
    )

    def run(self, ctx: RunContext) -> FileOutput:
        """``uri``: the Parquet file.

        Raises:
            TaskFailure: A bad schema, or a row it cannot hold (``onBadLines: ERROR``).
        """
        pa = library("pyarrow", "pyarrow")
        pq = library("pyarrow.parquet", "pyarrow")
        uri = str(ctx.render(self.from_))
        converter = self.converter(ctx, uri)
        schema = arrow_schema(pa, converter.schema)
        group_bytes = max(ctx.render_as(self.row_group_size, int), 1)
        v2 = ctx.render_as(self.parquet_version, Version) is Version.V2
        codec = ctx.render_as(self.compression_codec, CompressionCodec)
        path = new_file(ctx, ".parquet")
        records = self.records(ctx, uri, converter)
        count = 0
        pending: list[Any] = []
        pending_bytes = 0
        try:
            with pq.ParquetWriter(
                str(path),
                schema,
                compression="NONE" if codec is CompressionCodec.UNCOMPRESSED else codec.value,
                version="2.6" if v2 else "1.0",
                data_page_version="2.0" if v2 else "1.0",
                data_page_size=ctx.render_as(self.page_size, int),
                dictionary_pagesize_limit=ctx.render_as(self.dictionary_page_size, int),
            ) as writer:
                # Rows are buffered as Arrow tables up to a row group's size, so memory stays
                # bounded by rowGroupSize whatever the file's size.
                while batch := list(islice(records, _BATCH)):
                    table = pa.Table.from_pylist(batch, schema=schema)
                    pending.append(table)
                    pending_bytes += table.nbytes
                    count += len(batch)
                    if pending_bytes >= group_bytes:
                        _flush(pa, writer, pending)
                        pending_bytes = 0
                if pending:
                    _flush(pa, writer, pending)
        except (pa.ArrowException, ValueError, TypeError, OverflowError) as exc:
            raise TaskFailure(f"Unable to write Parquet rows near row {count}: {exc}") from None
        ctx.metric("records", count)
        return FileOutput(uri=upload(ctx, path))


def _flush(pa: Any, writer: Any, pending: list[Any]) -> None:
    table = pa.concat_tables(pending)
    writer.write_table(table, row_group_size=max(table.num_rows, 1))
    pending.clear()
