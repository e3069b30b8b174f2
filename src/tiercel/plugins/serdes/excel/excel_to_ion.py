"""``io.kestra.plugin.serdes.excel.ExcelToIon``: the sheets of an Excel workbook to Ion
files, one per sheet, read row by row (openpyxl's read-only mode)."""

import zipfile
from datetime import UTC, date, datetime, time
from enum import StrEnum
from typing import Any

from pydantic import Field

from tiercel.plugins.serdes.files import BUFFER, library, local_copy, new_file, upload
from tiercel.sdk import (
    Example,
    Output,
    Property,
    RunContext,
    RunnableTask,
    TaskFailure,
    Text,
    ion,
    plugin,
)

_EXAMPLE = """\
id: excel_round_trip
namespace: company.team
tasks:
  - id: products
    type: io.kestra.plugin.core.storage.Write
    extension: .ion
    content: |
      {id:1,name:"apple"}
      {id:2,name:"pear"}
  - id: to_excel
    type: io.kestra.plugin.serdes.excel.IonToExcel
    from:
      Products: "{{ outputs.products.uri }}"
  - id: to_ion
    type: io.kestra.plugin.serdes.excel.ExcelToIon
    from: "{{ outputs.to_excel.uri }}"
  - id: log
    type: io.kestra.plugin.core.log.Log
    message: "{{ outputs.to_ion.uris.Products }}"
"""


class ValueRender(StrEnum):
    """How cell values are read."""

    FORMATTED_VALUE = "FORMATTED_VALUE"
    UNFORMATTED_VALUE = "UNFORMATTED_VALUE"
    FORMULA = "FORMULA"


class DateTimeRender(StrEnum):
    """How date and time cells are read."""

    SERIAL_NUMBER = "SERIAL_NUMBER"
    FORMATTED_STRING = "FORMATTED_STRING"
    UNFORMATTED_VALUE = "UNFORMATTED_VALUE"


class ExcelOutput(Output):
    """What ``ExcelToIon`` outputs."""

    uris: dict[str, str] = Field(
        description="The Ion file of each sheet read, by sheet title "
        "(`{{ outputs.task_id.uris.Sheet1 }}`)."
    )
    size: int = Field(description="The number of rows read, over all sheets.")


@plugin(
    "io.kestra.plugin.serdes.excel.ExcelToIon",
    examples=[Example("Write a workbook, then read its sheet back", _EXAMPLE)],
)
class ExcelToIon(RunnableTask[ExcelOutput]):
    """Convert the sheets of an Excel workbook (`.xlsx`) into Ion files, one per sheet."""

    from_: Text = Field(alias="from", description="The `kestra://` URI of the workbook.")
    sheets_title: Property[list[str]] | None = Field(
        default=None, description="The titles of the sheets to read; all when absent."
    )
    charset: Text = Field(default="UTF-8", description="Accepted for Kestra compatibility.")
    value_render: Property[ValueRender] = Field(
        default=ValueRender.UNFORMATTED_VALUE,
        description="UNFORMATTED_VALUE or FORMATTED_VALUE: the values (a formula's last "
        "result); FORMULA: a formula's text.",
    )
    date_time_render: Property[DateTimeRender] = Field(
        default=DateTimeRender.UNFORMATTED_VALUE,
        description="Dates and times as values (UNFORMATTED_VALUE), Excel serial numbers "
        "(SERIAL_NUMBER) or ISO text (FORMATTED_STRING).",
    )
    header: Property[bool] = Field(default=True, description="The first row names the fields.")
    skip_empty_rows: Property[bool] = Field(default=False, description="Skip empty rows.")
    skip_rows: Property[int] = Field(default=0, description="Rows to skip at the start.")

    def run(self, ctx: RunContext) -> ExcelOutput:
        """``uris``: an Ion file per sheet; ``size``: the rows read.

        Raises:
            TaskFailure: Not an `.xlsx` workbook, or a sheet title not in it.
        """
        openpyxl = library("openpyxl", "openpyxl")
        uri = str(ctx.render(self.from_))
        render = ctx.render_as(self.value_render, ValueRender)
        source = local_copy(ctx, uri, ".xlsx")
        try:
            workbook = openpyxl.load_workbook(
                str(source), read_only=True, data_only=render is not ValueRender.FORMULA
            )
        except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
            source.unlink(missing_ok=True)
            raise TaskFailure(f"{uri} is not an Excel (.xlsx) workbook: {exc}") from None
        wanted = None
        if self.sheets_title is not None:
            wanted = ctx.render_as(self.sheets_title, list[str])
            missing = [t for t in wanted if t not in workbook.sheetnames]
            if missing:
                workbook.close()
                source.unlink(missing_ok=True)
                raise TaskFailure(f"No sheet {', '.join(missing)} in {uri}")
        reader = _SheetReader(
            header=ctx.render_as(self.header, bool),
            skip_empty=ctx.render_as(self.skip_empty_rows, bool),
            skip=ctx.render_as(self.skip_rows, int),
            dates=ctx.render_as(self.date_time_render, DateTimeRender),
        )
        uris: dict[str, str] = {}
        total = 0
        try:
            for title in workbook.sheetnames:
                if wanted is not None and title not in wanted:
                    continue
                path = new_file(ctx, ".ion")
                with path.open("w", encoding="utf-8", newline="\n", buffering=BUFFER) as out:
                    total += reader.copy(workbook[title], out)
                uris[title] = upload(ctx, path)
        except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
            raise TaskFailure(f"Unable to read {uri}: {exc}") from None
        finally:
            workbook.close()
            source.unlink(missing_ok=True)
        ctx.metric("sheets", len(workbook.sheetnames))
        ctx.metric("records", total)
        return ExcelOutput(uris=uris, size=total)


class _SheetReader:
    def __init__(self, header: bool, skip_empty: bool, skip: int, dates: DateTimeRender) -> None:
        self.header = header
        self.skip_empty = skip_empty
        self.skip = skip
        self.dates = dates

    def copy(self, sheet: Any, out: Any) -> int:
        """Write a sheet's rows as Ion lines; the count of rows written."""
        names: list[str] | None = None
        count = 0
        skipped = 0
        for cells in sheet.iter_rows():
            if skipped < self.skip:
                skipped += 1
                continue
            values = [self.value(c) for c in cells]
            while values and values[-1] is None:
                values.pop()
            if not values and self.skip_empty:
                continue
            if self.header and names is None:
                names = ["" if v is None else _text(v) for v in values]
                continue
            if names is not None:
                row: Any = {n: values[i] if i < len(values) else None for i, n in enumerate(names)}
            else:
                row = values
            out.write(ion.dumps(row) + "\n")
            count += 1
        return count

    def value(self, cell: Any) -> Any:
        value = cell.value
        if not isinstance(value, datetime | date | time):
            return value
        if self.dates is DateTimeRender.SERIAL_NUMBER:
            return cell.internal_value if hasattr(cell, "internal_value") else value
        if isinstance(value, datetime) and not _has_time(cell.number_format):
            value = value.date()
        if self.dates is DateTimeRender.FORMATTED_STRING:
            return value.isoformat()
        if isinstance(value, datetime):
            return value.replace(tzinfo=UTC)  # written in UTC by IonToExcel, as Kestra does
        return value if isinstance(value, date) else value.isoformat()


def _has_time(number_format: str) -> bool:
    lowered = number_format.lower()
    return "h" in lowered or "s" in lowered


def _text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
