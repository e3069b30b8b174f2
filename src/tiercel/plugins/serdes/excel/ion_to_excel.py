"""``io.kestra.plugin.serdes.excel.IonToExcel``: Ion files to the sheets of an Excel workbook,
written row by row (openpyxl's write-only mode keeps no sheet in memory)."""

from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Any

from pydantic import Field

from tiercel.plugins.serdes.files import ion_values, library, new_file, upload
from tiercel.plugins.serdes.outputs import CountedFileOutput
from tiercel.plugins.serdes.values import timestamp, to_json
from tiercel.sdk import Example, Property, RunContext, RunnableTask, TaskFailure, Text, ion, plugin

_EXAMPLE = """\
id: ion_to_excel
namespace: company.team
tasks:
  - id: products
    type: io.kestra.plugin.core.storage.Write
    extension: .ion
    content: |
      {id:1,name:"apple",price:1.25,added:2024-05-01}
      {id:2,name:"pear",price:0.80,added:2024-05-02}
  - id: to_excel
    type: io.kestra.plugin.serdes.excel.IonToExcel
    from:
      Products: "{{ outputs.products.uri }}"
"""
# Excel's own limit for a number held exactly; larger integers are written as text.
_EXACT = 1 << 53


@plugin(
    "io.kestra.plugin.serdes.excel.IonToExcel",
    examples=[Example("Write Ion rows into a named sheet of a workbook", _EXAMPLE)],
)
class IonToExcel(RunnableTask[CountedFileOutput]):
    """Convert Ion files into an Excel workbook (`.xlsx`), one sheet per file."""

    from_: Text | dict[str, Text] = Field(
        alias="from",
        description="The `kestra://` URI of the Ion file, or a map of sheet title to URI.",
    )
    charset: Text = Field(default="UTF-8", description="Accepted for Kestra compatibility.")
    sheets_title: Text = Field(
        default="Sheet", description="The sheet's title when `from` is a single URI."
    )
    header: Property[bool] = Field(default=True, description="Write the field names first.")
    styles: Property[bool] = Field(
        default=True, description="Give date and time cells a number format."
    )
    date_format: Text = Field(default="yyyy-mm-dd", description="Excel format of date cells.")
    time_format: Text = Field(default="hh:mm:ss", description="Excel format of time cells.")
    date_time_format: Text = Field(
        default="yyyy-mm-dd hh:mm:ss", description="Excel format of date-time cells."
    )
    time_zone_id: Text | None = Field(
        default=None, description="Accepted for Kestra compatibility; timestamps are in UTC."
    )

    def run(self, ctx: RunContext) -> CountedFileOutput:
        """``uri``: the workbook; ``size``: the rows written, over all sheets.

        Raises:
            TaskFailure: A list row with ``header``, a bad Ion line, a bad sheet title.
        """
        openpyxl = library("openpyxl", "openpyxl")
        if isinstance(self.from_, dict):
            sheets = {str(ctx.render(k)): str(ctx.render(v)) for k, v in self.from_.items()}
        else:
            sheets = {str(ctx.render(self.sheets_title)): str(ctx.render(self.from_))}
        header = ctx.render_as(self.header, bool)
        formats = None
        if ctx.render_as(self.styles, bool):
            formats = {
                "date": str(ctx.render(self.date_format)),
                "time": str(ctx.render(self.time_format)),
                "datetime": str(ctx.render(self.date_time_format)),
            }
        workbook = openpyxl.Workbook(write_only=True)
        count = 0
        for title, uri in sheets.items():
            try:
                sheet = workbook.create_sheet(title)
            except ValueError as exc:
                raise TaskFailure(f"Invalid sheet title '{title}': {exc}") from None
            writer = _SheetWriter(openpyxl, sheet, formats)
            first = True
            for row in ion_values(ctx, uri):
                if isinstance(row, list):
                    if header:
                        raise TaskFailure("Invalid data of type List with header")
                    writer.row(row)
                elif isinstance(row, dict):
                    if first and header:
                        sheet.append(list(row))
                    writer.row(list(row.values()))
                else:
                    writer.row([row])
                first = False
                count += 1
        path = new_file(ctx, ".xlsx")
        workbook.save(str(path))
        ctx.metric("records", count)
        return CountedFileOutput(uri=upload(ctx, path), size=count)


class _SheetWriter:
    def __init__(self, openpyxl: Any, sheet: Any, formats: dict[str, str] | None) -> None:
        self.cell_type = openpyxl.cell.WriteOnlyCell
        self.sheet = sheet
        self.formats = formats

    def row(self, values: list[Any]) -> None:
        self.sheet.append([self.cell(v) for v in values])

    def cell(self, value: Any) -> Any:
        kind = None
        if isinstance(value, ion.Timestamp):
            text = str.__str__(value)
            if "T" in text:
                value, kind = timestamp(text).astimezone(UTC).replace(tzinfo=None), "datetime"
            else:
                value, kind = date.fromisoformat(text), "date"
        elif isinstance(value, datetime):
            if value.tzinfo is not None:
                value = value.astimezone(UTC).replace(tzinfo=None)
            kind = "datetime"
        elif isinstance(value, date):
            kind = "date"
        elif isinstance(value, time):
            kind = "time"
        elif isinstance(value, Decimal):
            value = float(value)
        elif isinstance(value, int) and not isinstance(value, bool) and abs(value) > _EXACT:
            value = str(value)
        elif isinstance(value, str) and value.startswith("Formula:"):
            value = "=" + value[len("Formula:") :]
        elif isinstance(value, dict | list):
            value = to_json(value)
        elif isinstance(value, bytes):
            value = to_json(value)[1:-1]
        elif isinstance(value, str) and value.startswith("="):
            # A text starting with '=' stays text: only Kestra's "Formula:" makes a formula.
            cell = self.cell_type(self.sheet, value=value)
            cell.data_type = "s"
            return cell
        cell = self.cell_type(self.sheet, value=value)
        if kind and self.formats:
            cell.number_format = self.formats[kind]
        return cell
