"""``io.kestra.plugin.serdes.yaml.JsonToYaml``: JSON or JSON Lines to YAML documents."""

import json
from collections.abc import Iterator
from typing import IO, Any

from pydantic import Field

from tiercel.plugins.serdes.files import BUFFER, encoding, new_file, reading, upload
from tiercel.plugins.serdes.outputs import CountedFileOutput
from tiercel.plugins.serdes.yaml.documents import write_documents
from tiercel.sdk import Example, Property, RunContext, RunnableTask, TaskFailure, Text, plugin

_EXAMPLE = """\
id: json_to_yaml
namespace: company.team
tasks:
  - id: write_json
    type: io.kestra.plugin.core.storage.Write
    extension: .json
    content: '{"name": "Apple", "price": 1.2}'
  - id: to_yaml
    type: io.kestra.plugin.serdes.yaml.JsonToYaml
    from: "{{ outputs.write_json.uri }}"
"""


@plugin(
    "io.kestra.plugin.serdes.yaml.JsonToYaml",
    examples=[Example("A JSON object as a YAML document", _EXAMPLE)],
)
class JsonToYaml(RunnableTask[CountedFileOutput]):
    """Convert a JSON file to YAML: an object becomes one document; an array, or a JSON Lines
    file (`jsonl`), becomes a stream of documents separated by `---`."""

    from_: Text = Field(alias="from", description="The `kestra://` URI of the JSON file.")
    charset: Text = Field(default="UTF-8", description="The charset of both files.")
    jsonl: Property[bool] = Field(
        default=False, description="The file holds one JSON value per line (JSON Lines)."
    )

    def run(self, ctx: RunContext) -> CountedFileOutput:
        """``uri``: the YAML file; ``size``: the documents written.

        Raises:
            TaskFailure: text that is not JSON, with its line.
        """
        uri = str(ctx.render(self.from_))
        charset = str(ctx.render(self.charset))
        lines = ctx.render_as(self.jsonl, bool)
        path = new_file(ctx, ".yaml")
        with (
            reading(ctx, uri, charset) as text,
            path.open("w", encoding=encoding(charset), newline="\n", buffering=BUFFER) as out,
        ):
            count = write_documents(out, _values(text, uri, lines))
        ctx.metric("records", count)
        return CountedFileOutput(uri=upload(ctx, path), size=count)


def _values(text: IO[str], uri: str, lines: bool) -> Iterator[Any]:
    if lines:
        for number, line in enumerate(text, start=1):
            if line.strip():
                try:
                    yield json.loads(line)
                except ValueError as exc:
                    raise TaskFailure(f"Line {number} of {uri} is not JSON: {exc}") from None
        return
    try:
        document = json.load(text)
    except ValueError as exc:
        raise TaskFailure(f"{uri} is not JSON: {exc}") from None
    yield from document if isinstance(document, list) else [document]
