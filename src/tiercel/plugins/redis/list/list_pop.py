"""``io.kestra.plugin.redis.list.ListPop``: pop items from a list into an Ion file."""

from datetime import timedelta
from typing import Any

from tiercel.plugins.redis.connection import RedisConnection, call
from tiercel.plugins.redis.list.popping import Limits, ListPopProperties, ion, pop
from tiercel.plugins.redis.serde import SerdeType
from tiercel.sdk import RunContext, RunnableTask, plugin


@plugin("io.kestra.plugin.redis.list.ListPop", aliases=["io.kestra.plugin.redis.ListPop"])
class ListPop(ListPopProperties, RedisConnection, RunnableTask):
    """Pop items from the head of a Redis list (`LPOP`) into an Ion file, until the list is
    empty, `maxRecords` items are popped or `maxDuration` has passed."""

    def run(self, ctx: RunContext) -> dict[str, Any]:
        """``count`` and ``uri`` (the Ion file, one item a line)."""
        key = str(ctx.render(self.key))
        serde = ctx.render_as(self.serde_type, SerdeType)
        limits = limits_of(self, ctx.render_as)
        items = call(str(ctx.render(self.url)), lambda redis: pop(redis, key, serde, limits))
        ctx.metric("popped.records.count", len(items), tags={"key": key})
        return {"count": len(items), "uri": ctx.files.put(f"{key}.ion", ion(items))}


def limits_of(props: ListPopProperties, render_as: Any) -> Limits:
    """The popping limits of the properties, rendered by ``render_as(value, kind)``."""
    return Limits(
        count=render_as(props.count, int),
        max_records=render_as(props.max_records, int) if props.max_records is not None else None,
        max_duration=(
            render_as(props.max_duration, timedelta) if props.max_duration is not None else None
        ),
    )
