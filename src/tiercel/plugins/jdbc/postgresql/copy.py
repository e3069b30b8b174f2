"""What ``CopyIn`` and ``CopyOut`` share: the ``COPY`` statement built from Kestra's options."""

from enum import StrEnum
from typing import Any

from pydantic import Field

from tiercel.plugins.jdbc.connection import Host
from tiercel.plugins.jdbc.postgresql.dialect import PostgresConnection
from tiercel.sdk import Property, TaskFailure, Text


class Format(StrEnum):
    """The data format ``COPY`` reads or writes."""

    TEXT = "TEXT"
    CSV = "CSV"
    BINARY = "BINARY"


class CopyOptions(PostgresConnection):
    """``COPY``'s options, as Kestra's PostgreSQL copy tasks name them."""

    table: Text | None = Field(default=None, description="The table to copy from or to.")
    columns: Property[list[str]] | None = Field(
        default=None, description="The columns to copy; all when absent."
    )
    format: Property[Format] = Field(default=Format.TEXT, description="TEXT, CSV or BINARY.")
    oids: Property[bool] | None = Field(default=None, description="Copy the OID of each row.")
    freeze: Property[bool] | None = Field(
        default=None, description="Copy the rows as already frozen (COPY FREEZE)."
    )
    delimiter: Text | None = Field(default=None, description="The column separator character.")
    null_string: Text | None = Field(default=None, description="The string that means NULL.")
    header: Property[bool] | None = Field(
        default=None, description="The file has (or gets) a header line (CSV)."
    )
    quote: Text | None = Field(default=None, description="The quoting character (CSV).")
    escape: Text | None = Field(default=None, description="The escape character (CSV).")
    force_quote: Property[list[str]] | None = Field(
        default=None, description="Columns always quoted (CSV, COPY TO); `*` for all."
    )
    force_not_null: Property[list[str]] | None = Field(
        default=None, description="Columns whose values are never matched to the null string."
    )
    force_null: Property[list[str]] | None = Field(
        default=None, description="Columns whose quoted null string is NULL."
    )
    encoding: Text | None = Field(default=None, description="The file's encoding.")

    def copy_sql(self, host: Host, query: str | None, direction: str) -> str:
        """``COPY table (columns) | (query) FROM STDIN | TO STDOUT WITH (options)``."""
        parts = ["COPY"]
        if query is None:
            if self.table is None:
                raise TaskFailure("`table` (or, for CopyOut, `sql`) is required")
            parts.append(str(host.render(self.table)))
            columns = _list(host, self.columns)
            if columns:
                parts.append("(" + ", ".join(columns) + ")")
        else:
            parts.append(f"({query})")
        parts.append(direction)
        options: list[str] = []
        fmt = Format(str(host.render(self.format)).upper())
        if fmt is not Format.TEXT:
            options.append(f"FORMAT {fmt.value}")
        if _true(host, self.oids):
            options.append("OIDS")
        if _true(host, self.freeze):
            options.append("FREEZE")
        for keyword, value in (
            ("DELIMITER", self.delimiter),
            ("NULL", self.null_string),
            ("QUOTE", self.quote),
            ("ESCAPE", self.escape),
            ("ENCODING", self.encoding),
        ):
            if value is not None:
                options.append(f"{keyword} {_literal(str(host.render(value)))}")
        if self.header is not None:
            options.append("HEADER " + ("TRUE" if _true(host, self.header) else "FALSE"))
        quoted = _list(host, self.force_quote)
        if quoted:
            options.append("FORCE_QUOTE " + ("*" if quoted == ["*"] else f"({', '.join(quoted)})"))
        for keyword, names in (
            ("FORCE_NOT_NULL", self.force_not_null),
            ("FORCE_NULL", self.force_null),
        ):
            listed = _list(host, names)
            if listed:
                options.append(f"{keyword} ({', '.join(listed)})")
        if options:
            parts.append("WITH (" + ", ".join(options) + ")")
        return " ".join(parts)


def _true(host: Host, value: Any) -> bool:
    return value is not None and str(host.render(value)).strip().lower() == "true"


def _list(host: Host, value: Any) -> list[str]:
    if value is None:
        return []
    rendered = host.render(value)
    if isinstance(rendered, str):
        return [rendered]
    return [str(item) for item in rendered]


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"
