"""``io.kestra.plugin.serdes.json.IonToJson`` (formerly ``JsonWriter``): Ion to JSON."""

from typing import Any

from pydantic import Field

from tiercel.plugins.serdes.files import BUFFER, encoding, ion_values, new_file, upload
from tiercel.plugins.serdes.values import to_json
from tiercel.sdk import Property, RunContext, RunnableTask, Text, plugin


@plugin(
    "io.kestra.plugin.serdes.json.IonToJson",
    aliases=["io.kestra.plugin.serdes.json.JsonWriter"],
)
class IonToJson(RunnableTask):
    """Convert an Ion file into JSON: one value per line, or one JSON array."""

    from_: Text = Field(alias="from", description="The `kestra://` URI of the Ion file.")
    charset: Text = Field(default="UTF-8", description="The charset of the JSON file.")
    new_line: Property[bool] = Field(
        default=True, description="One JSON value per line; false: one JSON array."
    )
    time_zone_id: Text | None = Field(
        default=None, description="Accepted for Kestra compatibility; timestamps keep theirs."
    )
    should_keep_annotations: Property[bool] = Field(
        default=False, description="Accepted for Kestra compatibility; annotations are dropped."
    )

    def run(self, ctx: RunContext) -> dict[str, Any]:
        """``uri``: the JSON file; ``size``: the records written.

        Raises:
            TaskFailure: A line that is not Ion.
        """
        uri = str(ctx.render(self.from_))
        lines = ctx.render_as(self.new_line, bool)
        path = new_file(ctx, ".jsonl" if lines else ".json")
        count = 0
        with path.open(
            "w", encoding=encoding(str(ctx.render(self.charset))), newline="\n", buffering=BUFFER
        ) as out:
            if not lines:
                out.write("[")
            for value in ion_values(ctx, uri):
                if lines:
                    out.write(to_json(value) + "\n")
                else:
                    out.write(("," if count else "") + to_json(value))
                count += 1
            if not lines:
                out.write("]\n")
        ctx.metric("records", count)
        return {"uri": upload(ctx, path), "size": count}
