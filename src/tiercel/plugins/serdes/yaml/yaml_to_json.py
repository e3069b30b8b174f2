"""``io.kestra.plugin.serdes.yaml.YamlToJson``: YAML documents to JSON or JSON Lines."""

from pydantic import Field

from tiercel.plugins.serdes.files import BUFFER, encoding, new_file, reading, upload
from tiercel.plugins.serdes.outputs import CountedFileOutput
from tiercel.plugins.serdes.values import to_json
from tiercel.plugins.serdes.yaml.documents import read_documents
from tiercel.sdk import Example, Property, RunContext, RunnableTask, Text, plugin

_EXAMPLE = """\
id: yaml_to_json
namespace: company.team
tasks:
  - id: write_yaml
    type: io.kestra.plugin.core.storage.Write
    extension: .yaml
    content: |
      name: Apple
      price: 1.2
      ---
      name: Banana
      price: 0.9
  - id: to_jsonl
    type: io.kestra.plugin.serdes.yaml.YamlToJson
    from: "{{ outputs.write_yaml.uri }}"
    jsonl: true
"""


@plugin(
    "io.kestra.plugin.serdes.yaml.YamlToJson",
    examples=[Example("Each YAML document as one line of JSON", _EXAMPLE)],
)
class YamlToJson(RunnableTask[CountedFileOutput]):
    """Convert a YAML file to JSON: one JSON line per document (`jsonl`), or one JSON value —
    the document when there is one, an array of the documents when there are several."""

    from_: Text = Field(alias="from", description="The `kestra://` URI of the YAML file.")
    charset: Text = Field(default="UTF-8", description="The charset of both files.")
    jsonl: Property[bool] = Field(
        default=False, description="One JSON value per line instead of one JSON value."
    )

    def run(self, ctx: RunContext) -> CountedFileOutput:
        """``uri``: the JSON file; ``size``: the documents converted.

        Raises:
            TaskFailure: text that is not YAML, or a hostile document.
        """
        uri = str(ctx.render(self.from_))
        charset = str(ctx.render(self.charset))
        lines = ctx.render_as(self.jsonl, bool)
        path = new_file(ctx, ".jsonl" if lines else ".json")
        count = 0
        with (
            reading(ctx, uri, charset) as text,
            path.open("w", encoding=encoding(charset), newline="\n", buffering=BUFFER) as out,
        ):
            first = ""
            for document in read_documents(text, uri):
                encoded = to_json(document)
                if lines:
                    out.write(encoded + "\n")
                elif count == 0:
                    first = encoded  # one document is written alone, several as an array
                else:
                    out.write(("[" + first + "," if count == 1 else ",") + encoded)
                count += 1
            if not lines:
                out.write("{}" if count == 0 else first if count == 1 else "]")
        ctx.metric("records", count)
        return CountedFileOutput(uri=upload(ctx, path), size=count)
