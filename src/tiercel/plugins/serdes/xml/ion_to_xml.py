"""``io.kestra.plugin.serdes.xml.IonToXml`` (formerly ``XmlWriter``): Ion to XML, written
record by record (Kestra holds the whole file in memory; this does not need to)."""

import re
from collections.abc import Mapping
from typing import IO, Any
from xml.sax.saxutils import escape

from pydantic import Field

from tiercel.plugins.serdes.files import BUFFER, encoding, ion_values, new_file, upload
from tiercel.plugins.serdes.outputs import FileOutput
from tiercel.plugins.serdes.values import to_json
from tiercel.sdk import Example, RunContext, RunnableTask, TaskFailure, Text, ion, plugin

_EXAMPLE = """\
id: ion_to_xml
namespace: company.team
tasks:
  - id: write
    type: io.kestra.plugin.core.storage.Write
    extension: .ion
    content: |
      {job_title:"engineer",avg_salary:120000.50}
      {job_title:"analyst",avg_salary:80000.25}
  - id: result
    type: io.kestra.plugin.serdes.xml.IonToXml
    from: "{{ outputs.write.uri }}"
    rootName: salaries
"""
_NAME = re.compile(r"[A-Za-z_][\w.\-]*")
# XML 1.0 has no way to write these characters, even escaped.
_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@plugin(
    "io.kestra.plugin.serdes.xml.IonToXml",
    aliases=["io.kestra.plugin.serdes.xml.XmlWriter"],
    examples=[Example("Write Ion rows as XML under a root element", _EXAMPLE)],
)
class IonToXml(RunnableTask[FileOutput]):
    """Convert an Ion file into XML: each record an `<item>` under the root element."""

    from_: Text = Field(alias="from", description="The `kestra://` URI of the Ion file.")
    charset: Text = Field(default="UTF-8", description="The charset of the XML file.")
    root_name: Text = Field(default="items", description="The root element's name.")
    time_zone_id: Text | None = Field(
        default=None, description="Accepted for Kestra compatibility; timestamps keep theirs."
    )

    def run(self, ctx: RunContext) -> FileOutput:
        """``uri``: the XML file.

        Raises:
            TaskFailure: A bad root name, charset or Ion line.
        """
        uri = str(ctx.render(self.from_))
        root = str(ctx.render(self.root_name))
        if not _NAME.fullmatch(root):
            raise TaskFailure(f"`rootName` '{root}' is not a valid XML element name")
        charset = str(ctx.render(self.charset))
        path = new_file(ctx, ".xml")
        count = 0
        with path.open(
            "w", encoding=encoding(charset), newline="\n", buffering=BUFFER,
            errors="xmlcharrefreplace",
        ) as out:  # fmt: skip
            out.write(f"<?xml version='1.0' encoding='{charset}'?>\n<{root}>\n")
            for value in ion_values(ctx, uri):
                _element(out, "item", value, 1)
                count += 1
            out.write(f"</{root}>\n")
        ctx.metric("records", count)
        return FileOutput(uri=upload(ctx, path))


def _element(out: IO[str], name: str, value: Any, depth: int) -> None:
    """One value as Jackson's XmlMapper writes it: a struct's fields as child elements, a
    list's items as elements named like the list, inside it; null as an empty element."""
    pad = "  " * depth
    tag = _tag(name)
    if value is None:
        out.write(f"{pad}<{tag}/>\n")
    elif isinstance(value, Mapping):
        if not value:
            out.write(f"{pad}<{tag}/>\n")
            return
        out.write(f"{pad}<{tag}>\n")
        for key, item in value.items():
            _element(out, str(key), item, depth + 1)
        out.write(f"{pad}</{tag}>\n")
    elif isinstance(value, list):
        if not value:
            out.write(f"{pad}<{tag}/>\n")
            return
        out.write(f"{pad}<{tag}>\n")
        for item in value:
            _element(out, name, item, depth + 1)
        out.write(f"{pad}</{tag}>\n")
    else:
        out.write(f"{pad}<{tag}>{_INVALID.sub('', escape(_scalar(value)))}</{tag}>\n")


def _scalar(value: Any) -> str:
    if isinstance(value, ion.Timestamp):
        return str.__str__(value)
    if isinstance(value, str):
        return value
    text = to_json(value)
    return text[1:-1] if text.startswith('"') else text


def _tag(name: str) -> str:
    """A field name as an element name: characters XML refuses become ``_``."""
    if _NAME.fullmatch(name):
        return name
    cleaned = re.sub(r"[^\w.\-]", "_", name) or "_"
    return cleaned if re.match(r"[A-Za-z_]", cleaned) else "_" + cleaned
