"""``io.kestra.plugin.serdes.csv.IonToCsv`` (formerly ``CsvWriter``): an Ion file to CSV."""

import csv
from datetime import UTC, tzinfo
from enum import StrEnum
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field

from tiercel.plugins.serdes.files import BUFFER, encoding, ion_values, new_file, single_char, upload
from tiercel.plugins.serdes.values import CellFormat
from tiercel.sdk import Property, RunContext, RunnableTask, TaskFailure, Text, plugin


class QuoteMode(StrEnum):
    """When text is put between delimiters."""

    ALL = "ALL"
    REQUIRED = "REQUIRED"
    NON_NUMERIC = "NON_NUMERIC"


_QUOTING: dict[QuoteMode, Literal[0, 1, 2]] = {
    QuoteMode.ALL: 1,  # csv.QUOTE_ALL
    QuoteMode.REQUIRED: 0,  # csv.QUOTE_MINIMAL
    QuoteMode.NON_NUMERIC: 2,  # csv.QUOTE_NONNUMERIC
}


@plugin(
    "io.kestra.plugin.serdes.csv.IonToCsv",
    aliases=["io.kestra.plugin.serdes.csv.CsvWriter"],
)
class IonToCsv(RunnableTask):
    """Convert an Ion file into a CSV file; the first record's fields make the header."""

    from_: Text = Field(alias="from", description="The `kestra://` URI of the Ion file.")
    header: Property[bool] = Field(default=True, description="Write a header line.")
    field_separator: Text = Field(default=",", description="The field separator character.")
    text_delimiter: Text = Field(default='"', description="The text delimiter character.")
    line_delimiter: Text = Field(default="\n", description="The line delimiter.")
    always_delimit_text: Property[bool] = Field(
        default=False, description="Put every field between text delimiters."
    )
    quote_mode: Property[QuoteMode] | None = Field(
        default=None, description="ALL, REQUIRED (the default) or NON_NUMERIC."
    )
    charset: Text = Field(default="UTF-8", description="The charset of the CSV file.")
    date_format: Text = Field(default="yyyy-MM-dd", description="The format of dates.")
    time_format: Text = Field(default="HH:mm:ss[XXX]", description="The format of times.")
    date_time_format: Text = Field(
        default="yyyy-MM-dd'T'HH:mm:ss.SSS[XXX]", description="The format of timestamps."
    )
    time_zone_id: Text | None = Field(
        default=None,
        description="The time zone timestamps are shown in (`Europe/Paris`); UTC by default.",
    )

    def run(self, ctx: RunContext) -> dict[str, Any]:
        """``uri``: the CSV file; ``size``: the records written.

        Raises:
            TaskFailure: A line that is not Ion, a list record with ``header``, a bad option.
        """
        uri = str(ctx.render(self.from_))
        header = ctx.render_as(self.header, bool)
        mode = QuoteMode.REQUIRED
        if ctx.render_as(self.always_delimit_text, bool):
            mode = QuoteMode.ALL
        if self.quote_mode is not None:
            mode = ctx.render_as(self.quote_mode, QuoteMode)
        quoting = _QUOTING[mode]
        formats = CellFormat(
            str(ctx.render(self.date_format)),
            str(ctx.render(self.time_format)),
            str(ctx.render(self.date_time_format)),
            _zone(ctx.render(self.time_zone_id)),
        )
        cell = formats.cell
        path = new_file(ctx, ".csv")
        count = 0
        with path.open(
            "w", encoding=encoding(str(ctx.render(self.charset))), newline="", buffering=BUFFER
        ) as out:
            writer = csv.writer(
                out,
                delimiter=single_char(str(ctx.render(self.field_separator)), "fieldSeparator"),
                quotechar=single_char(str(ctx.render(self.text_delimiter)), "textDelimiter"),
                lineterminator=str(ctx.render(self.line_delimiter)),
                quoting=quoting,
            )
            first = True
            for value in ion_values(ctx, uri):
                if isinstance(value, dict):
                    if first and header:
                        writer.writerow(list(value))
                    writer.writerow([cell(v) for v in value.values()])
                elif isinstance(value, list):
                    if header:
                        raise TaskFailure("Invalid data of type List with header")
                    writer.writerow([cell(v) for v in value])
                else:
                    continue
                first = False
                count += 1
        ctx.metric("records", count)
        return {"uri": upload(ctx, path), "size": count}


def _zone(name: Any) -> tzinfo:
    if name is None or str(name).strip() == "":
        return UTC
    try:
        return ZoneInfo(str(name).strip())
    except (ZoneInfoNotFoundError, ValueError):
        raise TaskFailure(f"Invalid timeZoneId '{name}'") from None
