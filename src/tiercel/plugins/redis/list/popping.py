"""Popping a Redis list into an Ion file (not a plugin): what ``ListPop`` and the list
``Trigger`` share."""

import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from pydantic import Field

from tiercel.plugins.redis.serde import SerdeType
from tiercel.sdk import Duration, KestraModel, Property, TaskFailure, Text
from tiercel.sdk.ion import dumps

DEFAULT_COUNT = 100


class ListPopProperties(KestraModel):
    """Kestra's ``ListPopInterface``."""

    key: Text = Field(description="The list to pop (`LPOP`).")
    serde_type: Property[SerdeType] = Field(
        default=SerdeType.STRING, description="`STRING` or `JSON`: how the items are read."
    )
    max_records: Property[int] | None = Field(
        default=None, description="Stop once this many items are popped (or `maxDuration`)."
    )
    max_duration: Property[Duration] | None = Field(
        default=None, description="Stop popping after this long (or `maxRecords`)."
    )
    count: Property[int] = Field(
        default=DEFAULT_COUNT, description="How many items one `LPOP` takes."
    )


@dataclass(frozen=True, slots=True)
class Limits:
    """When to stop popping."""

    count: int
    max_records: int | None
    max_duration: timedelta | None

    def __post_init__(self) -> None:
        if self.max_records is None and self.max_duration is None:
            raise TaskFailure("maxDuration or maxRecords must be set to avoid infinite loop")
        if self.count < 1:
            raise TaskFailure("count: must be at least 1")


def pop(redis: Any, key: str, serde: SerdeType, limits: Limits) -> list[Any]:
    """Pop items from the head of ``key`` until it is empty or a limit is reached."""
    items: list[Any] = []
    started = time.monotonic()
    while True:
        batch = redis.lpop(key, limits.count) or []
        items.extend(serde.deserialize(item) for item in batch)
        if not batch:
            return items
        if limits.max_records is not None and len(items) >= limits.max_records:
            return items
        if limits.max_duration is not None and (
            time.monotonic() - started > limits.max_duration.total_seconds()
        ):
            return items


def ion(values: Iterable[Any]) -> bytes:
    """Kestra's Ion file: one value per line."""
    return "".join(f"{dumps(value)}\n" for value in values).encode()
