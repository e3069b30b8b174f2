"""``io.kestra.plugin.redis.string.Set``: set the value of a key."""

from datetime import datetime, timedelta
from typing import Any

from pydantic import Field

from tiercel.plugins.redis.connection import RedisConnection, call
from tiercel.plugins.redis.serde import SerdeType
from tiercel.sdk import (
    Duration,
    KestraModel,
    Property,
    RunContext,
    RunnableTask,
    TaskFailure,
    Text,
    plugin,
)


class Options(KestraModel):
    """``SET``'s options."""

    expiration_duration: Property[Duration] | None = Field(
        default=None, description="Expire the key after this long (`PX`)."
    )
    expiration_date: Property[datetime] | None = Field(
        default=None, description="Expire the key at this instant (`PXAT`)."
    )
    must_not_exist: Property[bool] = Field(
        default=False, description="Set only a key that does not exist (`NX`)."
    )
    must_exist: Property[bool] = Field(
        default=False, description="Set only a key that exists (`XX`)."
    )
    keep_ttl: Property[bool] = Field(default=False, description="Keep the key's TTL (`KEEPTTL`).")


@plugin("io.kestra.plugin.redis.string.Set", aliases=["io.kestra.plugin.redis.Set"])
class Set(RedisConnection, RunnableTask):
    """Set the value of a Redis key (`SET`), with its expiry and NX/XX options."""

    key: Text = Field(description="The key to set.")
    value: Any = Field(description="The value: text, or with `serdeType: JSON` any value.")
    options: Options = Field(default_factory=Options, description="`SET`'s options.")
    get: Property[bool] = Field(
        default=False, description="Return the previous value as `oldValue` (`SET ... GET`)."
    )
    serde_type: Property[SerdeType] = Field(
        default=SerdeType.STRING, description="`STRING` or `JSON`: how the value is written."
    )

    def run(self, ctx: RunContext) -> dict[str, Any]:
        """``oldValue`` when ``get`` is true and the key had one; nothing otherwise."""
        key = str(ctx.render(self.key))
        value = ctx.render_as(self.serde_type, SerdeType).serialize(ctx.render(self.value))
        arguments = _arguments(ctx, self.options)
        get = ctx.render_as(self.get, bool)
        old = call(str(ctx.render(self.url)), lambda redis: redis.set(key, value, get=get,
                                                                       **arguments))  # fmt: skip
        if get and old is not None:
            return {"oldValue": old.decode() if isinstance(old, bytes) else str(old)}
        return {}


def _arguments(ctx: RunContext, options: Options) -> dict[str, Any]:
    duration = (
        ctx.render_as(options.expiration_duration, timedelta)
        if options.expiration_duration is not None
        else None
    )
    date = (
        ctx.render_as(options.expiration_date, datetime)
        if options.expiration_date is not None
        else None
    )
    keep = ctx.render_as(options.keep_ttl, bool)
    if keep and (duration is not None or date is not None):
        raise TaskFailure(
            "options: keepTtl cannot be used with expirationDuration or expirationDate"
        )
    must_not, must = (
        ctx.render_as(options.must_not_exist, bool),
        ctx.render_as(options.must_exist, bool),
    )
    if must_not and must:
        raise TaskFailure("options: mustNotExist and mustExist cannot both be true")
    arguments: dict[str, Any] = {"nx": must_not, "xx": must, "keepttl": keep}
    if duration is not None:
        arguments["px"] = max(1, round(duration.total_seconds() * 1000))
    if date is not None:
        arguments["pxat"] = round(date.timestamp() * 1000)
    return arguments
