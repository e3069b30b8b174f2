"""The three steps Kestra's ForEachItem runs as its children: split, items, merge.

They are never written in a flow: ``ForEachItem.internal_tasks`` makes them from its own
properties, with Kestra's ids (``<id>_split``, ``<id>_items``, ``<id>_merge``).
"""

import json
import re
from collections.abc import Mapping
from typing import Any

from tiercel.plugins.core.flow.batch import Batch
from tiercel.plugins.core.flow.subflow import Subflow
from tiercel.sdk import (
    RunContext,
    RunnableTask,
    TaskFailure,
    ion,
)

_SIZE = re.compile(r"^\s*(\d+)\s*([KMGT]?B)?\s*$", re.IGNORECASE)
_UNITS = {"B": 1, "KB": 1024, "MB": 1024**2, "GB": 1024**3, "TB": 1024**4}


class ForEachItemSplit(RunnableTask):
    """Cut the items file into batch files."""

    items: str
    batch: Batch

    def run(self, ctx: RunContext) -> dict[str, Any]:
        """``splits``: a file listing the batch URIs; ``batches``: those URIs."""
        uri = str(ctx.render(self.items))
        separator = str(ctx.render(self.batch.separator))
        text = ctx.files.read_bytes(uri).decode()
        items = [item for item in text.split(separator) if item]
        groups = _group(ctx, self.batch, items, separator)
        batches = [
            ctx.files.put(f"{n}.txt", "".join(item + separator for item in group).encode())
            for n, group in enumerate(groups, start=1)
        ]
        listing = ctx.files.put("splits.txt", "".join(b + "\n" for b in batches).encode())
        return {"splits": listing, "batches": batches}


def _group(ctx: RunContext, batch: Batch, items: list[str], separator: str) -> list[list[str]]:
    if batch.partitions is not None:
        count = max(1, int(ctx.render(batch.partitions)))
        size = -(-len(items) // count) if items else 1
        return [items[i : i + size] for i in range(0, len(items), size)]
    if batch.bytes is not None:
        match = _SIZE.match(str(ctx.render(batch.bytes)))
        if match is None:
            raise TaskFailure(f"batch.bytes must be a size such as 10MB, not {batch.bytes}")
        limit = int(match.group(1)) * _UNITS[(match.group(2) or "B").upper()]
        groups: list[list[str]] = [[]]
        used = 0
        for item in items:
            size = len((item + separator).encode())
            if groups[-1] and used + size > limit:
                groups.append([])
                used = 0
            groups[-1].append(item)
            used += size
        return [group for group in groups if group]
    rows = max(1, int(ctx.render(batch.rows if batch.rows is not None else 1)))
    return [items[i : i + rows] for i in range(0, len(items), rows)]


class ForEachItemItems(Subflow):
    """Start one execution of the subflow per batch, each a ``Subflow`` call with its items."""

    split_id: str

    def batches(self, outputs: Mapping[str, Any]) -> list[str] | None:
        """The batch URIs the split step stored."""
        split = outputs.get(self.split_id) or {}
        return list(split.get("batches") or [])


class ForEachItemMerge(RunnableTask):
    """Gather the children's flow outputs into one file, a line each."""

    items_id: str

    def run(self, ctx: RunContext) -> dict[str, Any]:
        """``subflowOutputs``: the ION file of the outputs."""
        items = ctx.variables["outputs"].get(self.items_id) or {}
        lines = "".join(ion.dumps(json.loads(json.dumps(o))) + "\n" for o in items.get(
            "childOutputs", []))  # fmt: skip
        return {"subflowOutputs": ctx.files.put("outputs.ion", lines.encode())}
