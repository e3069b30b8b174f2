"""``io.kestra.plugin.serdes.yaml.IonToYaml``: Ion records to YAML documents."""

import json
from collections.abc import Iterator
from typing import Any

from pydantic import Field

from tiercel.plugins.serdes.files import BUFFER, encoding, ion_values, new_file, upload
from tiercel.plugins.serdes.outputs import CountedFileOutput
from tiercel.plugins.serdes.values import to_json
from tiercel.plugins.serdes.yaml.documents import write_documents
from tiercel.sdk import RunContext, RunnableTask, Text, plugin


@plugin("io.kestra.plugin.serdes.yaml.IonToYaml")
class IonToYaml(RunnableTask[CountedFileOutput]):
    """Convert an Ion file to YAML: one record as a plain document, several as a stream of
    documents separated by `---`."""

    from_: Text = Field(alias="from", description="The `kestra://` URI of the Ion file.")
    charset: Text = Field(default="UTF-8", description="The charset of the YAML file.")

    def run(self, ctx: RunContext) -> CountedFileOutput:
        """``uri``: the YAML file; ``size``: the records written.

        Raises:
            TaskFailure: a line that is not Ion.
        """
        uri = str(ctx.render(self.from_))
        charset = str(ctx.render(self.charset))
        path = new_file(ctx, ".yaml")
        with path.open("w", encoding=encoding(charset), newline="\n", buffering=BUFFER) as out:
            count = write_documents(out, _plain(ion_values(ctx, uri)))
        ctx.metric("records", count)
        return CountedFileOutput(uri=upload(ctx, path), size=count)


def _plain(values: Iterator[object]) -> Iterator[Any]:
    """Ion values as YAML can hold them: timestamps and decimals as JSON writes them."""
    for value in values:
        yield json.loads(to_json(value))
