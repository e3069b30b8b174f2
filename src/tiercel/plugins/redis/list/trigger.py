"""``io.kestra.plugin.redis.list.Trigger``: poll a list and start an execution with the items
popped."""

from datetime import timedelta

from pydantic import Field

from tiercel.plugins.fs.local.files import rendered
from tiercel.plugins.redis.connection import RedisConnection, call
from tiercel.plugins.redis.list.list_pop import limits_of
from tiercel.plugins.redis.list.popping import ListPopProperties, ion, pop
from tiercel.plugins.redis.serde import SerdeType
from tiercel.sdk import Duration, Emission, LogLevel, PollingTrigger, TriggerContext, plugin


@plugin("io.kestra.plugin.redis.list.Trigger", aliases=["io.kestra.plugin.redis.TriggerList"])
class Trigger(ListPopProperties, RedisConnection, PollingTrigger):
    """Poll a Redis list; pop what it holds (up to `maxRecords` or for `maxDuration`) into an
    Ion file and start one execution with `trigger.count` and `trigger.uri`."""

    interval: Duration = Field(default=timedelta(seconds=60), description="Time between polls.")

    def evaluate(self, ctx: TriggerContext) -> list[Emission]:
        """One emission with ``count`` and ``uri`` when items were popped; none otherwise."""
        key = rendered(ctx, self.key, str)
        serde = rendered(ctx, self.serde_type, SerdeType)
        limits = limits_of(self, lambda value, kind: rendered(ctx, value, kind))
        items = call(rendered(ctx, self.url, str), lambda redis: pop(redis, key, serde, limits))
        ctx.log(LogLevel.DEBUG, f"Found '{len(items)}' data.")
        if not items:
            return []
        uri = ctx.put_file(f"{key}.ion", ion(items))
        return [Emission({"count": len(items), "uri": uri})]
