"""``io.kestra.plugin.core.kv.Set``: store a value in a namespace's key-value store."""

from enum import StrEnum
from typing import Any

from pydantic import Field

from tiercel.sdk import Duration, Property, RunnableTask, Text, Violation, plugin

FLOW_NAMESPACE = "{{ flow.namespace }}"
"""The namespace the KV tasks use unless told otherwise."""


class KVType(StrEnum):
    """The type a value is stored as."""

    STRING = "STRING"
    NUMBER = "NUMBER"
    BOOLEAN = "BOOLEAN"
    DATETIME = "DATETIME"
    DATE = "DATE"
    DURATION = "DURATION"
    JSON = "JSON"


@plugin("io.kestra.plugin.core.kv.Set")
class Set(RunnableTask):
    """Create or replace a key-value pair."""

    key: Text
    value: Any = Field(description="Rendered; kept typed unless `kvType` converts it.")
    kv_description: Text | None = None
    namespace: Text = FLOW_NAMESPACE
    overwrite: Property[bool] = Field(
        default=True, description="Replace an existing value; when false, fail instead."
    )
    ttl: Property[Duration] | None = Field(
        default=None, description="Delete the pair after this duration; never when unset."
    )
    kv_type: Property[KVType] | None = Field(
        default=None, description="Convert the rendered value; stored as given when unset."
    )

    def violations(self) -> list[Violation]:
        """``value`` may not be null."""
        found = super().violations()
        if self.value is None:
            found.append(Violation(("value",), "must not be null"))
        return found
