"""``io.kestra.plugin.serdes.yaml.YamlToIon``: YAML documents to Ion records."""

from pydantic import Field

from tiercel.plugins.serdes.files import BUFFER, new_file, reading, upload
from tiercel.plugins.serdes.outputs import CountedFileOutput
from tiercel.plugins.serdes.yaml.documents import read_documents
from tiercel.sdk import RunContext, RunnableTask, Text, ion, plugin


@plugin("io.kestra.plugin.serdes.yaml.YamlToIon")
class YamlToIon(RunnableTask[CountedFileOutput]):
    """Convert a YAML file to Ion: each `---` document becomes one record."""

    from_: Text = Field(alias="from", description="The `kestra://` URI of the YAML file.")
    charset: Text = Field(default="UTF-8", description="The charset of the YAML file.")

    def run(self, ctx: RunContext) -> CountedFileOutput:
        """``uri``: the Ion file; ``size``: the records written.

        Raises:
            TaskFailure: text that is not YAML, or a hostile document.
        """
        uri = str(ctx.render(self.from_))
        path = new_file(ctx, ".ion")
        count = 0
        with (
            reading(ctx, uri, str(ctx.render(self.charset))) as text,
            path.open("w", encoding="utf-8", newline="\n", buffering=BUFFER) as out,
        ):
            for document in read_documents(text, uri):
                out.write(ion.dumps(document) + "\n")
                count += 1
        ctx.metric("records", count)
        return CountedFileOutput(uri=upload(ctx, path), size=count)
