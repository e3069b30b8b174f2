"""``io.kestra.plugin.serdes.json.JsonToIon`` (formerly ``JsonReader``): JSON to Ion."""

import json
from typing import Any

from pydantic import Field

from tiercel.plugins.serdes.files import BUFFER, new_file, reading, upload
from tiercel.sdk import Property, RunContext, RunnableTask, TaskFailure, Text, ion, plugin


@plugin(
    "io.kestra.plugin.serdes.json.JsonToIon",
    aliases=["io.kestra.plugin.serdes.json.JsonReader"],
)
class JsonToIon(RunnableTask):
    """Convert a JSON file (one value per line, or one document) into an Ion file."""

    from_: Text = Field(alias="from", description="The `kestra://` URI of the JSON file.")
    charset: Text = Field(default="UTF-8", description="The file's charset.")
    new_line: Property[bool] = Field(
        default=True,
        description="One JSON value per line (JSON Lines); false: the file is one JSON "
        "document, and each item of a top-level array becomes a record.",
    )

    def run(self, ctx: RunContext) -> dict[str, Any]:
        """``uri``: the Ion file; ``size``: the records written.

        Raises:
            TaskFailure: Text that is not JSON, with its line.
        """
        uri = str(ctx.render(self.from_))
        path = new_file(ctx, ".ion")
        count = 0
        with (
            reading(ctx, uri, str(ctx.render(self.charset))) as text,
            path.open("w", encoding="utf-8", newline="\n", buffering=BUFFER) as out,
        ):
            if ctx.render_as(self.new_line, bool):
                for number, line in enumerate(text, start=1):
                    if not line.strip():
                        continue
                    try:
                        value = json.loads(line)
                    except ValueError as exc:
                        raise TaskFailure(f"Line {number} of {uri} is not JSON: {exc}") from None
                    out.write(ion.dumps(value) + "\n")
                    count += 1
            else:
                try:
                    document = json.load(text)
                except ValueError as exc:
                    raise TaskFailure(f"{uri} is not JSON: {exc}") from None
                for value in document if isinstance(document, list) else [document]:
                    out.write(ion.dumps(value) + "\n")
                    count += 1
        ctx.metric("records", count)
        return {"uri": upload(ctx, path), "size": count}
