"""The Ion codec moved to ``tiercel.sdk.ion`` (several plugin families share it); this name is
kept so that code importing it from the core plugins still works."""

from tiercel.sdk.ion import IonError, Timestamp, blob, dumps, field_name, loads

__all__ = ["IonError", "Timestamp", "blob", "dumps", "field_name", "loads"]
