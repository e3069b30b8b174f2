"""An Avro record schema as a pyarrow schema, with the types parquet-avro gives them."""

from types import ModuleType
from typing import Any

from tiercel.sdk import TaskFailure

_SIMPLE = {
    "null": "null",
    "boolean": "bool_",
    "int": "int32",
    "long": "int64",
    "float": "float32",
    "double": "float64",
    "string": "string",
    "enum": "string",
    "bytes": "binary",
    "fixed": "binary",
}


def arrow_schema(pa: ModuleType, schema: dict[str, Any]) -> Any:
    """The pyarrow schema of a (fastavro-parsed) Avro record schema.

    Raises:
        TaskFailure: A union of several non-null types, which Parquet cannot hold.
    """
    named: dict[str, Any] = {}
    return pa.schema([_field(pa, f["name"], f["type"], named) for f in schema["fields"]])


def _field(pa: ModuleType, name: str, schema: Any, named: dict[str, Any]) -> Any:
    nullable = False
    if isinstance(schema, list):
        others = [b for b in schema if b != "null"]
        if len(others) > 1:
            raise TaskFailure(f"Field '{name}': a union of several types cannot go to Parquet")
        nullable = len(others) < len(schema)
        schema = others[0] if others else "null"
    return pa.field(name, _type(pa, name, schema, named), nullable=nullable or schema == "null")


def _type(pa: ModuleType, name: str, schema: Any, named: dict[str, Any]) -> Any:
    if isinstance(schema, str):
        if schema in named:
            return named[schema]
        return getattr(pa, _SIMPLE[schema])()
    kind = schema["type"]
    if isinstance(kind, dict | list):
        return _type(pa, name, kind, named)
    logical = schema.get("logicalType")
    result: Any
    if logical == "decimal":
        precision = int(schema.get("precision", 38))
        maker = pa.decimal128 if precision <= 38 else pa.decimal256
        result = maker(precision, int(schema.get("scale", 0)))
    elif logical == "date":
        result = pa.date32()
    elif logical == "time-millis":
        result = pa.time32("ms")
    elif logical == "time-micros":
        result = pa.time64("us")
    elif logical in ("timestamp-millis", "timestamp-micros"):
        result = pa.timestamp("ms" if logical.endswith("millis") else "us", tz="UTC")
    elif logical in ("local-timestamp-millis", "local-timestamp-micros"):
        result = pa.timestamp("ms" if logical.endswith("millis") else "us")
    elif kind == "array":
        result = pa.list_(_field(pa, "element", schema["items"], named))
    elif kind == "map":
        result = pa.map_(pa.string(), _field(pa, "value", schema["values"], named))
    elif kind == "record":
        result = pa.struct([_field(pa, f["name"], f["type"], named) for f in schema["fields"]])
    else:
        result = getattr(pa, _SIMPLE[kind])()
    if "name" in schema and kind in ("record", "enum", "fixed"):
        named[schema["name"]] = result
    return result
