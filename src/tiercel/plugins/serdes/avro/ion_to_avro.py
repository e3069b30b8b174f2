"""``io.kestra.plugin.serdes.avro.IonToAvro`` (formerly ``AvroWriter``): Ion to an Avro file."""

from pydantic import Field

from tiercel.plugins.serdes.avro_options import AvroConversion
from tiercel.plugins.serdes.files import BUFFER, library, new_file, upload
from tiercel.plugins.serdes.outputs import FileOutput
from tiercel.sdk import Example, Property, RunContext, RunnableTask, TaskFailure, plugin

_EXAMPLE = """\
id: csv_to_avro
namespace: company.team
tasks:
  - id: write
    type: io.kestra.plugin.core.storage.Write
    extension: .csv
    content: |
      id,name,price,day
      1,apple,1.25,2024-05-01
      2,pear,,2024-05-02
  - id: to_ion
    type: io.kestra.plugin.serdes.csv.CsvToIon
    from: "{{ outputs.write.uri }}"
  - id: to_avro
    type: io.kestra.plugin.serdes.avro.IonToAvro
    from: "{{ outputs.to_ion.uri }}"
    schema: |
      {"type": "record", "name": "Fruit", "fields": [
        {"name": "id", "type": "long"},
        {"name": "name", "type": "string"},
        {"name": "price", "type": ["null", {"type": "bytes", "logicalType": "decimal",
                                             "precision": 9, "scale": 2}]},
        {"name": "day", "type": {"type": "int", "logicalType": "date"}}
      ]}
"""


@plugin(
    "io.kestra.plugin.serdes.avro.IonToAvro",
    aliases=["io.kestra.plugin.serdes.avro.AvroWriter"],
    examples=[Example("Convert a CSV file to Avro with a schema", _EXAMPLE)],
)
class IonToAvro(AvroConversion, RunnableTask[FileOutput]):
    """Convert an Ion file into an Avro file (the schema given, or inferred from the rows)."""

    codec: Property[str] = Field(
        default="null",
        description="Tiercel addition: the Avro block codec (`null`, `deflate`, `snappy`...).",
    )

    def run(self, ctx: RunContext) -> FileOutput:
        """``uri``: the Avro file.

        Raises:
            TaskFailure: A bad schema, or a row the schema cannot hold (``onBadLines: ERROR``).
        """
        fastavro = library("fastavro", "fastavro")
        uri = str(ctx.render(self.from_))
        converter = self.converter(ctx, uri)
        path = new_file(ctx, ".avro")
        count = 0

        def counted() -> object:
            nonlocal count
            for record in self.records(ctx, uri, converter):
                count += 1
                yield record

        try:
            with path.open("wb", buffering=BUFFER) as out:
                fastavro.writer(
                    out, converter.schema, counted(), codec=ctx.render_as(self.codec, str)
                )
        except (ValueError, TypeError, OverflowError) as exc:
            raise TaskFailure(f"Unable to write Avro record {count}: {exc}") from None
        ctx.metric("records", count)
        return FileOutput(uri=upload(ctx, path))
