"""``io.kestra.plugin.serdes.xml.XmlToIon`` (formerly ``XmlReader``): XML to Ion, read with
defusedxml, which refuses DTDs, entities and external references (XML bombs, XXE)."""

from collections.abc import Iterator
from typing import Any

from pydantic import Field

from tiercel.plugins.serdes.files import BUFFER, library, new_file, reading, upload
from tiercel.plugins.serdes.outputs import FileOutput
from tiercel.plugins.serdes.xml.xml_tree import MAX_DEPTH, XmlTree, pointer
from tiercel.sdk import (
    Example,
    KestraModel,
    Property,
    RunContext,
    RunnableTask,
    TaskFailure,
    Text,
    ion,
    plugin,
)

_EXAMPLE = """\
id: xml_to_ion
namespace: company.team
tasks:
  - id: write
    type: io.kestra.plugin.core.storage.Write
    extension: .xml
    content: |
      <catalog>
        <book id="1"><title>Dune</title><price>9.99</price></book>
        <book id="2"><title>Emma</title><price>5</price></book>
      </catalog>
  - id: to_ion
    type: io.kestra.plugin.serdes.xml.XmlToIon
    from: "{{ outputs.write.uri }}"
    query: /catalog/book
"""


class ParserConfiguration(KestraModel):
    """How XML is read."""

    force_list: Property[list[str]] | None = Field(
        default=None, description="Tags always read as lists, even when they appear once."
    )


@plugin(
    "io.kestra.plugin.serdes.xml.XmlToIon",
    aliases=["io.kestra.plugin.serdes.xml.XmlReader"],
    examples=[Example("Read the books of a catalog, one record each", _EXAMPLE)],
)
class XmlToIon(RunnableTask[FileOutput]):
    """Convert an XML file into Ion: the document as one struct, or the items it queries."""

    from_: Text = Field(alias="from", description="The `kestra://` URI of the XML file.")
    charset: Text = Field(default="UTF-8", description="The file's charset.")
    query: Text | None = Field(
        default=None,
        description="A JSON Pointer into the document read as a struct (`/catalog/book`): a "
        "list found there gives one record per item.",
    )
    parser_configuration: ParserConfiguration | None = Field(
        default=None, description="XML parser configuration."
    )

    def run(self, ctx: RunContext) -> FileOutput:
        """``uri``: the Ion file.

        Raises:
            TaskFailure: Text that is not well-formed XML, a DTD or entity, too deep nesting.
        """
        defused = library("defusedxml.ElementTree", "defusedxml")
        defusedxml = library("defusedxml", "defusedxml")
        uri = str(ctx.render(self.from_))
        forced: set[str] = set()
        config = self.parser_configuration
        if config is not None and config.force_list is not None:
            forced = set(ctx.render_as(config.force_list, list[str]))
        tree = XmlTree(forced)
        with reading(ctx, uri, str(ctx.render(self.charset))) as text:
            try:
                for event, element in defused.iterparse(text, events=("start", "end")):
                    tree.feed(event, element)
            except defusedxml.DefusedXmlException as exc:
                raise TaskFailure(f"{uri} is refused: {type(exc).__name__} {exc}") from None
            except SyntaxError as exc:  # ParseError
                raise TaskFailure(f"{uri} is not well-formed XML: {exc}") from None
            except RecursionError:
                raise TaskFailure(f"{uri} nests elements over {MAX_DEPTH} deep") from None
        document = tree.result()
        query = None if self.query is None else str(ctx.render(self.query))
        result = pointer(document, query) if query else document
        path = new_file(ctx, ".ion")
        count = 0
        with path.open("w", encoding="utf-8", newline="\n", buffering=BUFFER) as out:
            for value in _records(result):
                out.write(ion.dumps(value) + "\n")
                count += 1
        ctx.metric("records", count)
        return FileOutput(uri=upload(ctx, path))


def _records(result: Any) -> Iterator[Any]:
    if isinstance(result, list):
        yield from result
    else:
        yield result
