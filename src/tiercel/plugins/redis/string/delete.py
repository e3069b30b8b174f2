"""``io.kestra.plugin.redis.string.Delete``: delete keys."""

from typing import Any

from pydantic import Field

from tiercel.plugins.redis.connection import RedisConnection, call
from tiercel.sdk import Property, RunContext, RunnableTask, TaskFailure, Text, plugin


@plugin("io.kestra.plugin.redis.string.Delete", aliases=["io.kestra.plugin.redis.Delete"])
class Delete(RedisConnection, RunnableTask):
    """Delete Redis keys (`DEL`); `count` says how many existed."""

    keys: Property[list[Text]] = Field(description="The keys to delete.")
    failed_on_missing: Property[bool] = Field(
        default=False, description="Fail when fewer keys were deleted than listed."
    )

    def run(self, ctx: RunContext) -> dict[str, Any]:
        """``count``: the keys deleted (also the ``deleted.records.count`` metric)."""
        keys = [str(key) for key in ctx.render(self.keys)]
        count = (
            int(call(str(ctx.render(self.url)), lambda redis: redis.delete(*keys))) if keys else 0
        )
        if count != len(keys) and ctx.render_as(self.failed_on_missing, bool):
            raise TaskFailure(f"Missing keys, only {count} key deleted")
        ctx.metric("deleted.records.count", count)
        return {"count": count}
