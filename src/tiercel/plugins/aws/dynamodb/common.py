"""What the DynamoDB tasks share: the table, item values, and fetch outputs."""

import os
import tempfile
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from pydantic import Field

from tiercel.plugins.aws.connection import AwsConnection
from tiercel.plugins.cloud.env import Env
from tiercel.sdk import Property, TaskFailure, Text
from tiercel.sdk.ion import dumps
from tiercel.sdk.properties import FetchType


class DynamoTable(AwsConnection):
    """The table of a DynamoDB task."""

    table_name: Text = Field(description="The table name.")


class DynamoFetch(DynamoTable):
    """``Query`` and ``Scan``: a row limit, a filter and how the rows come out."""

    fetch_type: Property[FetchType] = Field(
        default=FetchType.STORE,
        description="STORE the rows in an ION file, FETCH them all, FETCH_ONE, or NONE.",
    )
    limit: Property[int] | None = Field(default=None, description="Read at most this many items.")
    filter_expression: Text | None = Field(
        default=None, description="A filter applied after the items are read."
    )
    expression_attribute_values: Property[dict[str, Any]] | None = Field(
        default=None, description="The values of the `:placeholders` of the expressions."
    )

    def attribute_values(self, env: Env) -> dict[str, Any] | None:
        """The rendered placeholders, as DynamoDB attribute values."""
        if self.expression_attribute_values is None:
            return None
        values = env.value(self.expression_attribute_values, dict[str, Any])
        return {name: to_attribute(value) for name, value in values.items()} or None

    def fetch(self, env: Env, items: Iterable[dict[str, Any]]) -> dict[str, Any]:
        """Kestra's ``FetchOutput``: ``rows``, ``row`` or ``uri``, and ``size``."""
        kind = env.value(self.fetch_type, FetchType)
        rows = (from_item(item) for item in items)
        if kind is FetchType.FETCH_ONE:
            row = next(rows, None)
            return {"row": row, "size": 1 if row is not None else 0}
        if kind is FetchType.FETCH:
            fetched = list(rows)
            return {"rows": fetched, "size": len(fetched)}
        if kind is FetchType.NONE:
            return {"size": sum(1 for _ in rows)}
        handle, name = tempfile.mkstemp(suffix=".ion")
        size = 0
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                for row in rows:
                    out.write(dumps(row) + "\n")
                    size += 1
            with open(name, "rb") as data:
                uri = env.put("items.ion", data)
        finally:
            os.unlink(name)
        return {"uri": uri, "size": size}


def to_attribute(value: Any) -> dict[str, Any]:
    """A plain value as a DynamoDB attribute value (strings, numbers, booleans, null, lists
    and maps; Kestra's own mapping writes numbers as strings, this one keeps them numbers)."""
    if value is None:
        return {"NULL": True}
    if isinstance(value, bool):
        return {"BOOL": value}
    if isinstance(value, int | float | Decimal):
        return {"N": str(value)}
    if isinstance(value, str):
        return {"S": value}
    if isinstance(value, list):
        return {"L": [to_attribute(item) for item in value]}
    if isinstance(value, dict):
        return {"M": {str(k): to_attribute(v) for k, v in value.items()}}
    return {"S": str(value)}


def to_item(values: dict[str, Any]) -> dict[str, Any]:
    """A map of plain values as a DynamoDB item."""
    return {str(name): to_attribute(value) for name, value in values.items()}


def from_attribute(value: dict[str, Any]) -> Any:
    """A DynamoDB attribute value as a plain value."""
    (kind, content), *_ = value.items()
    if kind == "NULL":
        return None
    if kind == "N":
        number = Decimal(content)
        return int(number) if number == number.to_integral_value() else float(number)
    if kind in ("S", "BOOL"):
        return content
    if kind == "B":
        return content.hex() if isinstance(content, bytes) else content
    if kind in ("SS", "BS"):
        return list(content)
    if kind == "NS":
        return [from_attribute({"N": n}) for n in content]
    if kind == "L":
        return [from_attribute(item) for item in content]
    if kind == "M":
        return from_item(content)
    raise TaskFailure(f"Unsupported DynamoDB attribute type '{kind}'")


def from_item(item: dict[str, Any]) -> dict[str, Any]:
    """A DynamoDB item as a map of plain values."""
    return {name: from_attribute(value) for name, value in item.items()}
