"""``io.kestra.plugin.serdes.avro.AvroToIon`` (formerly ``AvroReader``): Avro to Ion."""

from pydantic import Field

from tiercel.plugins.serdes.avro_values import ion_value
from tiercel.plugins.serdes.csv.csv_to_ion import OnBadLines
from tiercel.plugins.serdes.files import BUFFER, library, new_file, upload
from tiercel.plugins.serdes.outputs import CountedFileOutput
from tiercel.sdk import Example, Property, RunContext, RunnableTask, TaskFailure, Text, ion, plugin

_EXAMPLE = """\
id: avro_round_trip
namespace: company.team
tasks:
  - id: write
    type: io.kestra.plugin.core.storage.Write
    extension: .ion
    content: |
      {id:1,name:"apple",at:2024-05-01T10:00:00Z}
      {id:2,name:"pear",at:null}
  - id: to_avro
    type: io.kestra.plugin.serdes.avro.IonToAvro
    from: "{{ outputs.write.uri }}"
  - id: to_ion
    type: io.kestra.plugin.serdes.avro.AvroToIon
    from: "{{ outputs.to_avro.uri }}"
"""


@plugin(
    "io.kestra.plugin.serdes.avro.AvroToIon",
    aliases=["io.kestra.plugin.serdes.avro.AvroReader"],
    examples=[Example("Write Ion rows as Avro (schema inferred), then read them back", _EXAMPLE)],
)
class AvroToIon(RunnableTask[CountedFileOutput]):
    """Convert an Avro file into an Ion file, one record per line."""

    from_: Text = Field(alias="from", description="The `kestra://` URI of the Avro file.")
    on_bad_lines: Property[OnBadLines] = Field(
        default=OnBadLines.ERROR,
        description="A record that cannot be read: fail (ERROR), log and stop (WARN), or "
        "stop silently (SKIP); records read before it are kept.",
    )

    def run(self, ctx: RunContext) -> CountedFileOutput:
        """``uri``: the Ion file; ``size``: the records read.

        Raises:
            TaskFailure: Not an Avro file, or a damaged one (``onBadLines: ERROR``).
        """
        fastavro = library("fastavro", "fastavro")
        uri = str(ctx.render(self.from_))
        on_bad = ctx.render_as(self.on_bad_lines, OnBadLines)
        path = new_file(ctx, ".ion")
        count = 0
        try:
            raw = ctx.files.open(uri)
        except (OSError, ValueError, KeyError) as exc:
            raise TaskFailure(f"Unable to read '{uri}': {exc}") from None
        with raw, path.open("w", encoding="utf-8", newline="\n", buffering=BUFFER) as out:
            try:
                reader = fastavro.reader(raw)
            except (ValueError, EOFError, TypeError, KeyError) as exc:
                raise TaskFailure(f"{uri} is not an Avro file: {exc}") from None
            try:
                for record in reader:
                    out.write(ion.dumps(ion_value(record)) + "\n")
                    count += 1
            except (ValueError, EOFError, TypeError, KeyError, IndexError) as exc:
                reason = str(exc) or type(exc).__name__
                message = f"Bad Avro record encountered after {count} records: {reason}"
                if on_bad is OnBadLines.ERROR:
                    raise TaskFailure(message) from None
                if on_bad is OnBadLines.WARN:
                    ctx.logger.warn(message)
        ctx.metric("records", count)
        return CountedFileOutput(uri=upload(ctx, path), size=count)
