"""``io.kestra.plugin.redis.list.RealtimeTrigger``: start one execution per item pushed onto a
list."""

import threading
from collections.abc import Callable

from pydantic import Field

from tiercel.plugins.fs.local.files import rendered
from tiercel.plugins.redis.connection import RedisConnection, client
from tiercel.plugins.redis.serde import SerdeType
from tiercel.sdk import Emission, LogLevel, Property, RealtimeTrigger, Text, TriggerContext, plugin

WAIT_SECONDS = 1
"""How long one blocking pop waits: the time ``stop`` may take to be noticed."""


@plugin("io.kestra.plugin.redis.list.RealtimeTrigger")
class ListRealtimeTrigger(RedisConnection, RealtimeTrigger):
    """Pop a Redis list as items arrive; one execution per item, with `trigger.value`."""

    key: Text = Field(description="The list to pop.")
    serde_type: Property[SerdeType] = Field(
        default=SerdeType.STRING, description="`STRING` or `JSON`: how the items are read."
    )

    def listen(
        self, ctx: TriggerContext, emit: Callable[[Emission], None], stop: threading.Event
    ) -> None:
        """Pop one item at a time from the head of the list (a blocking pop, so an item is
        taken as soon as it is pushed) and emit ``value`` for it, until ``stop`` is set.

        Raises:
            TaskFailure: The server cannot be reached or refuses the credentials.
        """
        key = rendered(ctx, self.key, str)
        serde = rendered(ctx, self.serde_type, SerdeType)
        with client(rendered(ctx, self.url, str)) as redis:
            redis.ping()
            ctx.log(LogLevel.INFO, f"Listening to the Redis list '{key}'")
            while not stop.is_set():
                popped = redis.blpop([key], timeout=WAIT_SECONDS)
                if popped is not None:
                    emit(Emission({"value": serde.deserialize(popped[1])}))
