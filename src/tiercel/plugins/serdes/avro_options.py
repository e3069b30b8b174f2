"""The properties Kestra's Avro-based writers share (``IonToAvro``, ``IonToParquet``): the
schema, and how Ion values (a CSV file's strings among them) are read as its types."""

import json
from collections.abc import Iterator
from itertools import islice
from typing import Any

from pydantic import Field

from tiercel.plugins.serdes.avro_values import (
    FALSE_VALUES,
    NULL_VALUES,
    TRUE_VALUES,
    AvroConverter,
    BadValue,
    Coercion,
    infer_schema,
    parse_schema,
)
from tiercel.plugins.serdes.csv.csv_to_ion import OnBadLines
from tiercel.plugins.serdes.files import ion_values, single_char
from tiercel.sdk import KestraModel, Property, RunContext, TaskFailure, Text


class AvroConversion(KestraModel):
    """Kestra's ``AbstractAvroConverter`` properties."""

    from_: Text = Field(alias="from", description="The `kestra://` URI of the Ion file.")
    schema_: Text | None = Field(
        default=None,
        alias="schema",
        description="The Avro schema (JSON text) of the records; inferred from the first "
        "`numberOfRowsToScan` rows when absent.",
    )
    number_of_rows_to_scan: Property[int] = Field(
        default=100, description="Rows read to infer the schema when `schema` is absent."
    )
    true_values: Property[list[str]] = Field(
        default_factory=lambda: list(TRUE_VALUES), description="Strings read as true."
    )
    false_values: Property[list[str]] = Field(
        default_factory=lambda: list(FALSE_VALUES), description="Strings read as false."
    )
    null_values: Property[list[str]] = Field(
        default_factory=lambda: list(NULL_VALUES), description="Strings read as null."
    )
    date_format: Text = Field(
        default="yyyy-MM-dd[XXX]",
        description="The Java pattern of dates given as text, when not ISO-8601 (`dd/MM/yyyy`).",
    )
    time_format: Text = Field(
        default="HH:mm[:ss][.SSSSSS][XXX]",
        description="The Java pattern of times given as text, when not ISO-8601.",
    )
    datetime_format: Text = Field(
        default="yyyy-MM-dd'T'HH:mm[:ss][.SSSSSS][XXX]",
        description="The Java pattern of date-times given as text, when not ISO-8601 "
        "(`T` or a space between date and time).",
    )
    decimal_separator: Property[str] = Field(
        default=".", description="The decimal point of numbers given as strings."
    )
    strict_schema: Property[bool] = Field(
        default=False, description="A field present in the data but not in the schema fails."
    )
    infer_all_fields: Property[bool] = Field(
        default=False, description="Accepted for Kestra compatibility."
    )
    time_zone_id: Text | None = Field(
        default=None,
        description="Accepted for Kestra compatibility; a date-time without offset stays local.",
    )
    on_bad_lines: Property[OnBadLines] = Field(
        default=OnBadLines.ERROR,
        description="A record the schema cannot hold: fail (ERROR), log and skip it (WARN), or "
        "skip it (SKIP).",
    )

    def converter(self, ctx: RunContext, uri: str) -> AvroConverter:
        """The schema (given or inferred) and the options, rendered."""
        if self.schema_ is not None:
            schema = parse_schema(str(ctx.render(self.schema_)))
        else:
            scan = ctx.render_as(self.number_of_rows_to_scan, int)
            if scan < 1:
                raise TaskFailure("`numberOfRowsToScan` must be greater than 0")
            schema = infer_schema(islice(ion_values(ctx, uri), scan))
            shown = {k: v for k, v in schema.items() if not k.startswith("__")}  # fastavro's own
            ctx.logger.debug(f"Inferred Avro schema: {json.dumps(shown)}")
        options = Coercion(
            true_values=ctx.render_as(self.true_values, list[str]),
            false_values=ctx.render_as(self.false_values, list[str]),
            null_values=ctx.render_as(self.null_values, list[str]),
            decimal_separator=single_char(
                ctx.render_as(self.decimal_separator, str), "decimalSeparator"
            ),
            strict_schema=ctx.render_as(self.strict_schema, bool),
            date_format=str(ctx.render(self.date_format)),
            time_format=str(ctx.render(self.time_format)),
            datetime_format=str(ctx.render(self.datetime_format)),
        )
        return AvroConverter(schema, options)

    def records(
        self, ctx: RunContext, uri: str, converter: AvroConverter
    ) -> Iterator[dict[str, Any]]:
        """The file's rows as records, read as they come; bad rows per ``onBadLines``.

        Raises:
            TaskFailure: A bad row with ``onBadLines: ERROR``.
        """
        on_bad = ctx.render_as(self.on_bad_lines, OnBadLines)
        for number, row in enumerate(ion_values(ctx, uri), start=1):
            try:
                yield converter.record(row)
            except BadValue as exc:
                message = f"Row {number} of {uri}: {exc}"
                if on_bad is OnBadLines.ERROR:
                    raise TaskFailure(message) from None
                if on_bad is OnBadLines.WARN:
                    ctx.logger.warn(f"Bad record skipped: {message}")
