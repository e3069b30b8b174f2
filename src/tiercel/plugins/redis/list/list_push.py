"""``io.kestra.plugin.redis.list.ListPush``: push items onto a list."""

import json
from collections.abc import Iterator
from typing import Any

from pydantic import Field

from tiercel.plugins.redis.connection import RedisConnection, client
from tiercel.plugins.redis.serde import SerdeType
from tiercel.sdk import Property, RunContext, RunnableTask, TaskFailure, Text, plugin
from tiercel.sdk.ion import loads

DEFAULT_BATCH_SIZE = 500


@plugin("io.kestra.plugin.redis.list.ListPush", aliases=["io.kestra.plugin.redis.ListPush"])
class ListPush(RedisConnection, RunnableTask):
    """Push items onto the head of a Redis list (`LPUSH`): a list, its JSON, or the items of
    an Ion file in internal storage."""

    key: Text = Field(description="The list to push onto.")
    from_: Text | list[Any] = Field(
        alias="from",
        description="The items: a list, a JSON array, or a `kestra://` URI of an Ion file.",
    )
    serde_type: Property[SerdeType] = Field(
        default=SerdeType.STRING, description="`STRING` or `JSON`: how the items are written."
    )
    batch_size: Property[int] = Field(
        default=DEFAULT_BATCH_SIZE, description="How many items one `LPUSH` sends."
    )

    def run(self, ctx: RunContext) -> dict[str, Any]:
        """``count``: the items pushed (also the ``inserted.records.count`` metric)."""
        key = str(ctx.render(self.key))
        serde = ctx.render_as(self.serde_type, SerdeType)
        size = ctx.render_as(self.batch_size, int)
        if size < 1:
            raise TaskFailure("batchSize: must be at least 1")
        count = 0
        with client(str(ctx.render(self.url))) as redis:
            batch: list[str] = []
            for item in self._items(ctx):
                batch.append(serde.serialize(item))
                if len(batch) == size:
                    redis.lpush(key, *batch)
                    count, batch = count + len(batch), []
            if batch:
                redis.lpush(key, *batch)
                count += len(batch)
        ctx.metric("inserted.records.count", count)
        return {"count": count}

    def _items(self, ctx: RunContext) -> Iterator[Any]:
        if isinstance(self.from_, list):
            for item in self.from_:
                yield ctx.render(item) if isinstance(item, str) else item
            return
        rendered = ctx.render(self.from_)
        if isinstance(rendered, list):
            yield from rendered
            return
        text = str(rendered)
        try:
            parsed = json.loads(text)
        except ValueError:
            parsed = None
        if isinstance(parsed, list):
            yield from parsed
            return
        if not text.startswith("kestra://"):
            raise TaskFailure(f"from: '{text}' is neither a list, a JSON array nor a kestra:// URI")
        try:
            stream = ctx.files.open(text)
        except (OSError, ValueError, KeyError) as exc:
            raise TaskFailure(f"from: cannot read '{text}': {exc}") from None
        with stream:
            for line in stream:
                if line.strip():
                    yield loads(line.decode())
