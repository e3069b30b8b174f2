"""``io.kestra.plugin.redis.string.Get``: read the value of a key."""

from typing import Any

from pydantic import Field

from tiercel.plugins.redis.connection import RedisConnection, call
from tiercel.plugins.redis.serde import SerdeType
from tiercel.sdk import Property, RunContext, RunnableTask, TaskFailure, Text, plugin


@plugin("io.kestra.plugin.redis.string.Get", aliases=["io.kestra.plugin.redis.Get"])
class Get(RedisConnection, RunnableTask):
    """Get the value of a Redis key (`GET`), as text or parsed JSON."""

    key: Text = Field(description="The key to read.")
    serde_type: Property[SerdeType] = Field(
        default=SerdeType.STRING, description="`STRING` or `JSON`: how the value is read."
    )
    failed_on_missing: Property[bool] = Field(
        default=False, description="Fail when the key does not exist."
    )

    def run(self, ctx: RunContext) -> dict[str, Any]:
        """``data`` (None for a missing key) and ``key``."""
        key = str(ctx.render(self.key))
        stored = call(str(ctx.render(self.url)), lambda redis: redis.get(key))
        if stored is None and ctx.render_as(self.failed_on_missing, bool):
            raise TaskFailure(f"Missing keys '{key}'")
        return {"data": ctx.render_as(self.serde_type, SerdeType).deserialize(stored), "key": key}
