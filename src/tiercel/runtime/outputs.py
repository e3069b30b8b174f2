"""Outputs small enough to store with their task run: the largest values of outputs over the
limit go to internal storage, their ``kestra://`` URI in their place."""

import json
from collections.abc import Callable
from typing import Any

from tiercel.model.execution import TaskRun
from tiercel.runtime.adapters import TaskFiles
from tiercel.storage.ports import InternalStorage


def spill_outputs(
    storage: InternalStorage,
    run: TaskRun,
    outputs: dict[str, Any],
    limit: int,
    warn: Callable[[str], None],
) -> dict[str, Any]:
    """``outputs`` within ``limit`` bytes as JSON; ``warn`` is told of every value moved."""
    if json_size(outputs) <= limit:
        return outputs
    files = TaskFiles(storage, run)

    def shrink(value: dict[str, Any], path: str) -> dict[str, Any]:
        sizes = {key: json_size(item) for key, item in value.items()}
        result = dict(value)
        total = sum(sizes.values())
        for key in sorted(sizes, key=sizes.__getitem__, reverse=True):
            if total <= limit:
                break
            item = value[key]
            name = f"{path}.{key}" if path else str(key)
            if isinstance(item, dict) and sizes[key] > limit:
                result[key] = shrink(item, name)
            else:
                uri = files.put(f"output-{name}.json", json.dumps(item).encode())
                result[key] = uri
                warn(
                    f"Output '{name}' ({sizes[key]} bytes as JSON) is over the limit of "
                    f"{limit} bytes: it is stored as {uri}"
                )
            total -= sizes[key] - json_size(result[key])
        return result

    return shrink(outputs, "")


def json_size(value: Any) -> int:
    """The length of ``value`` as JSON (dates and such as strings)."""
    return len(_SIZED.encode(value))


_SIZED = json.JSONEncoder(default=str)
"""``json.dumps(value, default=str)``'s encoder, made once: every task run's outputs are
measured."""
