"""Ion values made into the values of an Avro schema, as Kestra's ``AvroConverter`` makes them
(shared by ``IonToAvro`` and ``IonToParquet``), and a schema inferred from Ion rows when the
task gives none.

Strings (a CSV file's cells) are read as the schema's type: numbers, booleans (``trueValues``,
``falseValues``), nulls (``nullValues``), ISO dates, times and timestamps, decimals.
"""

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from decimal import Decimal, InvalidOperation
from typing import Any

from tiercel.plugins.serdes.files import library
from tiercel.plugins.serdes.values import timestamp
from tiercel.sdk import TaskFailure, ion
from tiercel.sdk.datetimes import parse_with_pattern

TRUE_VALUES = ["t", "true", "enabled", "1", "on", "yes"]
FALSE_VALUES = ["f", "false", "disabled", "0", "off", "no", ""]
NULL_VALUES = ["", "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "1.#IND", "1.#QNAN",
               "NA", "n/a", "nan", "null"]  # fmt: skip
_PRIMITIVES = {"null", "boolean", "int", "long", "float", "double", "bytes", "string"}
_INT32 = 1 << 31


class BadValue(ValueError):
    """A value that the schema cannot hold; the message names the field."""


@dataclass
class Coercion:
    """Kestra's conversion options."""

    true_values: list[str] = field(default_factory=lambda: list(TRUE_VALUES))
    false_values: list[str] = field(default_factory=lambda: list(FALSE_VALUES))
    null_values: list[str] = field(default_factory=lambda: list(NULL_VALUES))
    decimal_separator: str = "."
    strict_schema: bool = False
    date_format: str = "yyyy-MM-dd[XXX]"
    """The Java pattern of dates given as text that are not ISO-8601 (``dd/MM/yyyy``)."""
    time_format: str = "HH:mm[:ss][.SSSSSS][XXX]"
    """The Java pattern of times given as text."""
    datetime_format: str = "yyyy-MM-dd'T'HH:mm[:ss][.SSSSSS][XXX]"
    """The Java pattern of date-times given as text."""


def parse_schema(text: str) -> dict[str, Any]:
    """An Avro schema given as JSON text, checked by fastavro.

    Raises:
        TaskFailure: Not JSON, not a valid schema, or not a record.
    """
    fastavro = library("fastavro", "fastavro")
    try:
        parsed = fastavro.parse_schema(json.loads(text))
    except (ValueError, TypeError, KeyError, fastavro.schema.SchemaParseException) as exc:
        reason = str(exc)
        if not isinstance(exc, json.JSONDecodeError):
            reason = f"{type(exc).__name__} {exc}"
        raise TaskFailure(f"Invalid Avro schema: {reason}") from None
    if not isinstance(parsed, dict) or parsed.get("type") != "record":
        raise TaskFailure("Invalid Avro schema: the top-level type must be a record")
    return parsed


class AvroConverter:
    """Rows made into records of one (fastavro-parsed) record schema."""

    def __init__(self, schema: dict[str, Any], options: Coercion) -> None:
        self.schema = schema
        self.options = options
        self.named: dict[str, Any] = {}
        self._register(schema)
        self._true = {v.lower() for v in options.true_values}
        self._false = {v.lower() for v in options.false_values}
        self._null = set(options.null_values)
        self._kinds: dict[int, list[str]] = {}

    def _register(self, schema: Any) -> None:
        if isinstance(schema, list):
            for branch in schema:
                self._register(branch)
        elif isinstance(schema, dict):
            kind = schema.get("type")
            if kind in ("record", "enum", "fixed") and "name" in schema:
                self.named[schema["name"]] = schema
                self.named[schema["name"].rsplit(".", 1)[-1]] = schema
            for item in schema.get("fields", ()):
                self._register(item["type"])
            for key in ("items", "values"):
                if key in schema:
                    self._register(schema[key])

    def record(self, row: Any) -> dict[str, Any]:
        """One Ion row (a struct, or a list matched to the fields by position) as a record.

        Raises:
            BadValue: A value the schema cannot hold.
        """
        fields = self.schema["fields"]
        if isinstance(row, list):
            if len(fields) == 1 and _kind(fields[0]["type"]) == "array":
                row = {fields[0]["name"]: row}
            else:
                row = {f["name"]: row[i] if i < len(row) else None for i, f in enumerate(fields)}
        if not isinstance(row, Mapping):
            raise BadValue(f"a row must be a struct or a list, not {type(row).__name__}")
        return self._record(row, self.schema, "")

    def _record(self, row: Mapping[str, Any], schema: dict[str, Any], path: str) -> dict[str, Any]:
        if self.options.strict_schema:
            extra = set(row) - {f["name"] for f in schema["fields"]}
            if extra:
                raise BadValue(f"fields not in the schema: {', '.join(sorted(extra))}")
        result = {}
        for item in schema["fields"]:
            name = item["name"]
            value = row[name] if name in row else item.get("default")
            result[name] = self.value(value, item["type"], path + name)
        return result

    def value(self, value: Any, schema: Any, path: str) -> Any:
        """One value as the Avro type ``schema``.

        Raises:
            BadValue: The value does not fit.
        """
        if isinstance(schema, list):
            return self._union(value, schema, path)
        if isinstance(schema, str):
            if schema not in _PRIMITIVES:
                return self.value(value, self.named[schema], path)
            schema = {"type": schema}
        kind = schema["type"]
        if isinstance(kind, dict | list):
            return self.value(value, kind, path)
        if (
            isinstance(value, str)
            and not isinstance(value, ion.Timestamp)
            and kind not in ("string", "enum", "bytes")
            and value in self._null
        ):
            value = None  # a CSV cell such as "" or "NA"
        if value is None:
            if kind == "null":
                return None
            raise BadValue(f"null value for non-nullable field '{path}'")
        try:
            return self._typed(value, kind, schema, path)
        except (ValueError, TypeError, ArithmeticError, InvalidOperation) as exc:
            if isinstance(exc, BadValue):
                raise
            raise BadValue(
                f"field '{path}': cannot read {_show(value)} as {_name(schema)}"
            ) from None

    def _union(self, value: Any, branches: list[Any], path: str) -> Any:
        # The schema's lists live as long as the converter: their kinds are listed once.
        kinds = self._kinds.get(id(branches))
        if kinds is None:
            kinds = self._kinds[id(branches)] = [_kind(b) for b in branches]
        if value is None and "null" in kinds:
            return None
        failure: BadValue | None = None
        for branch, kind in zip(branches, kinds, strict=True):
            if kind == "null":
                continue
            try:
                return self.value(value, branch, path)
            except BadValue as exc:
                failure = failure or exc
        if value is None or (isinstance(value, str) and value in self._null and "null" in kinds):
            return None
        raise failure or BadValue(f"field '{path}': no type of the union holds {_show(value)}")

    def _typed(self, value: Any, kind: str, schema: dict[str, Any], path: str) -> Any:
        logical = schema.get("logicalType")
        if logical == "decimal":
            number = Decimal(self._number_text(value) if isinstance(value, str) else str(value))
            scale = int(schema.get("scale", 0))
            return number.quantize(Decimal(1).scaleb(-scale))
        if logical == "date":
            return _patterned(_date, value, self.options.date_format).date()
        if logical in ("time-millis", "time-micros"):
            if isinstance(value, time):
                return value
            return _patterned(_time, value, self.options.time_format).timetz()
        if logical in ("timestamp-millis", "timestamp-micros"):
            moment = _patterned(_datetime, value, self.options.datetime_format)
            return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
        if logical in ("local-timestamp-millis", "local-timestamp-micros"):
            return _patterned(_datetime, value, self.options.datetime_format).replace(tzinfo=None)
        if kind == "boolean":
            if isinstance(value, bool):
                return value
            text = str(value).lower()
            if text in self._true:
                return True
            if text in self._false:
                return False
            raise ValueError(value)
        if kind in ("int", "long"):
            integer = _integer(self._number_text(value) if isinstance(value, str) else value)
            limit = _INT32 if kind == "int" else 1 << 63
            if not -limit <= integer < limit:
                raise ValueError(value)
            return integer
        if kind in ("float", "double"):
            if isinstance(value, bool):
                raise TypeError(value)
            return float(self._number_text(value) if isinstance(value, str) else value)
        if kind == "string":
            return _text(value)
        if kind in ("bytes", "fixed"):
            data = value.encode() if isinstance(value, str) else bytes(value)
            if kind == "fixed" and len(data) != schema["size"]:
                raise ValueError(value)
            return data
        if kind == "enum":
            if str(value) not in schema["symbols"]:
                raise ValueError(value)
            return str(value)
        if kind == "array":
            if not isinstance(value, list):
                raise TypeError(value)
            return [self.value(v, schema["items"], f"{path}[{i}]") for i, v in enumerate(value)]
        if kind == "map":
            if not isinstance(value, Mapping):
                raise TypeError(value)
            return {
                str(k): self.value(v, schema["values"], f"{path}.{k}") for k, v in value.items()
            }
        if kind == "record":
            if not isinstance(value, Mapping):
                raise TypeError(value)
            return self._record(value, schema, path + ".")
        raise BadValue(f"field '{path}': unsupported Avro type {kind}")

    def _number_text(self, text: str) -> str:
        text = text.strip()
        return text.replace(self.options.decimal_separator, ".") if text else text


def _kind(schema: Any) -> str:
    if isinstance(schema, str):
        return schema
    if isinstance(schema, list):
        return "union"
    kind = schema["type"]
    return kind if isinstance(kind, str) else _kind(kind)


def _name(schema: dict[str, Any]) -> str:
    return str(schema.get("logicalType") or schema["type"])


def _show(value: Any) -> str:
    text = ion.dumps(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _integer(value: Any) -> int:
    if isinstance(value, bool):
        raise TypeError(value)
    if isinstance(value, int):
        return value
    number = Decimal(str(value))
    if number != number.to_integral_value():
        raise ValueError(value)
    return int(number)


def _text(value: Any) -> str:
    if isinstance(value, str):
        return str.__str__(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Mapping | list):
        raise TypeError(value)
    return str(value)


def _patterned(iso: Any, value: Any, pattern: str) -> datetime:
    """``value`` read as ISO-8601 by ``iso``, else text read with the Java pattern (Kestra's
    ``dateFormat``, ``timeFormat``, ``datetimeFormat``: ``dd/MM/yyyy``...)."""
    try:
        found = iso(value)
    except ValueError:
        if not isinstance(value, str):
            raise
        return parse_with_pattern(value, pattern)[0]
    if isinstance(found, datetime):
        return found
    if isinstance(found, time):
        return datetime.combine(date(1970, 1, 1), found)
    return datetime(found.year, found.month, found.day)


def _time(value: Any) -> time:
    return time.fromisoformat(str(value))


def _date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value)
    if isinstance(value, ion.Timestamp) and "T" in text:
        return timestamp(text).date()
    return date.fromisoformat(text[:10] if len(text) > 10 and text[10] in "T " else text)


def _datetime(value: Any) -> datetime:
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    if isinstance(value, ion.Timestamp):
        text = str.__str__(value)
        if "T" not in text:
            return datetime.fromisoformat(text)
        if text.endswith("-00:00"):  # Ion's unknown offset: a local date-time
            return datetime.fromisoformat(text[:-6])
        return timestamp(text)
    return datetime.fromisoformat(str(value).strip())


# Schema inference, as Kestra's InferAvroSchema: every field nullable, strings and decimals
# as strings, timestamps as local-timestamp-millis, records merged field by field.

_NULLABLE = ["null"]


def infer_schema(rows: Iterable[Any]) -> dict[str, Any]:
    """A record schema for Ion rows (Kestra scans the first ``numberOfRowsToScan``).

    Raises:
        TaskFailure: No row, or a row that is not a struct or a list.
    """
    merged: Any = None
    for row in rows:
        if isinstance(row, list):
            items = _merge_all(_infer(v, "root_items") for v in row) or "string"
            shape: Any = {"type": "record", "name": "root", "fields": [
                {"name": "value", "type": {"type": "array", "items": items}}]}  # fmt: skip
        elif isinstance(row, Mapping):
            shape = _infer(row, "root")
            shape = shape[1] if isinstance(shape, list) else shape
        else:
            raise TaskFailure(f"Cannot infer an Avro schema from a row of {_show(row)}")
        merged = shape if merged is None else _merge(merged, shape)
    if merged is None:
        raise TaskFailure(
            "Cannot infer Avro schema from ION input: the file appears to be empty or contains "
            "no valid records."
        )
    merged["namespace"] = "io.kestra.plugin.serdes.avro"
    return parse_schema(json.dumps(merged))


def _infer(value: Any, name: str) -> Any:
    if value is None:
        return "null"
    if isinstance(value, Mapping):
        fields = [{"name": str(k), "type": _infer(v, f"{name}_{k}")} for k, v in value.items()]
        record = {"type": "record", "name": _avro_name(name), "fields": fields}
        for item in fields:
            if isinstance(item["type"], list) and item["type"][0] == "null":
                item["default"] = None
        return [record, "null"] if name != "root" else record
    if isinstance(value, list):
        items = _merge_all(_infer(v, f"{name}_items") for v in value) or "string"
        return [{"type": "array", "items": items}, "null"]
    if isinstance(value, bool):
        kind: Any = "boolean"
    elif isinstance(value, int):
        kind = "int" if -_INT32 <= value < _INT32 else "long"
    elif isinstance(value, float):
        kind = "double"
    elif isinstance(value, bytes):
        kind = "bytes"
    elif isinstance(value, ion.Timestamp) and "T" not in value:
        kind = {"type": "int", "logicalType": "date"}
    elif isinstance(value, ion.Timestamp):
        kind = {"type": "long", "logicalType": "local-timestamp-millis"}
    else:
        kind = "string"
    return ["null", kind]


def _avro_name(name: str) -> str:
    cleaned = "".join(c if c.isalnum() or c == "_" else "_" for c in name)
    return cleaned if cleaned[:1].isalpha() or cleaned[:1] == "_" else "_" + cleaned


def _merge_all(schemas: Iterable[Any]) -> Any:
    merged: Any = None
    for schema in schemas:
        merged = schema if merged is None else _merge(merged, schema)
    return merged


def _branches(schema: Any) -> list[Any]:
    return list(schema) if isinstance(schema, list) else [schema]


def _merge(a: Any, b: Any) -> Any:
    if a == b:
        return a
    if isinstance(a, dict) and isinstance(b, dict) and a["type"] == b["type"] == "record":
        names = list(
            dict.fromkeys([f["name"] for f in a["fields"]] + [f["name"] for f in b["fields"]])
        )
        left = {f["name"]: f["type"] for f in a["fields"]}
        right = {f["name"]: f["type"] for f in b["fields"]}
        fields = []
        for name in names:
            if name in left and name in right:
                kind = _merge(left[name], right[name])
            else:  # a field some rows lack is nullable
                kind = _merge(left.get(name) or right[name], "null")
            merged_field = {"name": name, "type": kind}
            if _branches(kind)[0] == "null" and _kind(kind) == "union":
                merged_field["default"] = None
            fields.append(merged_field)
        return {**a, "fields": fields}
    branches: list[Any] = []
    for branch in _branches(a) + _branches(b):
        kind = _kind(branch)
        for index, seen in enumerate(branches):
            if _kind(seen) == kind and kind in ("record", "array"):
                branches[index] = (
                    _merge(seen, branch) if kind == "record"
                    else {"type": "array", "items": _merge(seen["items"], branch["items"])}
                )  # fmt: skip
                break
            if seen == branch:
                break
        else:
            branches.append(branch)
    if "null" in branches:  # null first, so that a default of null is valid
        branches.remove("null")
        branches.insert(0, "null")
    if "int" in branches and "long" in branches:
        branches.remove("int")
    return branches if len(branches) > 1 else branches[0]


def ion_value(value: Any) -> Any:
    """A value read from Avro or Parquet, as Kestra writes it in Ion: times as text, sets as
    lists, maps given as key/value pairs as structs."""
    if isinstance(value, dict):
        return {str(k): ion_value(v) for k, v in value.items()}
    if isinstance(value, list):
        if value and all(isinstance(v, tuple) and len(v) == 2 for v in value):
            return {str(k): ion_value(v) for k, v in value}
        return [ion_value(v) for v in value]
    if isinstance(value, time):
        return value.isoformat()
    if isinstance(value, datetime | date | Decimal | bytes | str | int | float | bool):
        return value
    if value is None:
        return None
    return str(value)
