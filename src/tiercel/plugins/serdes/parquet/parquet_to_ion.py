"""``io.kestra.plugin.serdes.parquet.ParquetToIon`` (formerly ``ParquetReader``): Parquet to
Ion, read a batch of rows at a time."""

from pydantic import Field

from tiercel.plugins.serdes.avro_values import ion_value
from tiercel.plugins.serdes.files import BUFFER, library, local_copy, new_file, upload
from tiercel.plugins.serdes.outputs import CountedFileOutput
from tiercel.sdk import Example, RunContext, RunnableTask, TaskFailure, Text, ion, plugin

_BATCH = 10_000

_EXAMPLE = """\
id: parquet_round_trip
namespace: company.team
tasks:
  - id: write
    type: io.kestra.plugin.core.storage.Write
    extension: .ion
    content: |
      {id:1,name:"apple",tags:["red","sweet"]}
      {id:2,name:"pear",tags:[]}
  - id: to_parquet
    type: io.kestra.plugin.serdes.parquet.IonToParquet
    from: "{{ outputs.write.uri }}"
  - id: to_ion
    type: io.kestra.plugin.serdes.parquet.ParquetToIon
    from: "{{ outputs.to_parquet.uri }}"
"""


@plugin(
    "io.kestra.plugin.serdes.parquet.ParquetToIon",
    aliases=["io.kestra.plugin.serdes.parquet.ParquetReader"],
    examples=[Example("Write Ion rows as Parquet, then read them back", _EXAMPLE)],
)
class ParquetToIon(RunnableTask[CountedFileOutput]):
    """Convert a Parquet file into an Ion file, one row per line."""

    from_: Text = Field(alias="from", description="The `kestra://` URI of the Parquet file.")

    def run(self, ctx: RunContext) -> CountedFileOutput:
        """``uri``: the Ion file; ``size``: Tiercel addition, the rows read.

        Raises:
            TaskFailure: Not a Parquet file, or a damaged one.
        """
        pa = library("pyarrow", "pyarrow")
        pq = library("pyarrow.parquet", "pyarrow")
        uri = str(ctx.render(self.from_))
        source = local_copy(ctx, uri, ".parquet")  # Parquet's footer is read first: seekable
        path = new_file(ctx, ".ion")
        count = 0
        try:
            with (
                pq.ParquetFile(str(source)) as parquet,
                path.open("w", encoding="utf-8", newline="\n", buffering=BUFFER) as out,
            ):
                for batch in parquet.iter_batches(batch_size=_BATCH):
                    for row in batch.to_pylist():
                        out.write(ion.dumps(ion_value(row)) + "\n")
                    count += batch.num_rows
        except (pa.ArrowException, OSError, ValueError, TypeError) as exc:
            raise TaskFailure(f"{uri} is not a readable Parquet file: {exc}") from None
        finally:
            source.unlink(missing_ok=True)
        ctx.metric("records", count)
        return CountedFileOutput(uri=upload(ctx, path), size=count)
