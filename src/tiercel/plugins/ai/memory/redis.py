"""``io.kestra.plugin.ai.memory.Redis``: a conversation kept in a Redis key (``SETEX`` with the
memory's time to live), in langchain4j's chat-message JSON, as Kestra's provider keeps it."""

from typing import Any, Literal

from pydantic import Field

from tiercel.plugins.ai.embeddings.base import driver
from tiercel.plugins.ai.memory.kestra_kv_store import (
    ChatMemory,
    Drop,
    MemoryProvider,
    from_langchain4j,
    to_langchain4j,
)
from tiercel.sdk import Property, RunContext, TaskFailure, Text
from tiercel.sdk.credentials import one_line


class Redis(MemoryProvider):
    """Chat memory in Redis."""

    type: Literal["io.kestra.plugin.ai.memory.Redis"]
    host: Text = Field(description="The Redis server's host name.")
    port: Property[int] = Field(default=6379, description="The Redis server's port.")

    def open(self, ctx: RunContext) -> ChatMemory:
        """Load the conversation (deleted instead when dropped before the run).

        Raises:
            TaskFailure: bad settings, the server cannot be reached, or the value is not a
                chat memory.
        """
        limit, key, drop, ttl = self.settings(ctx)
        redis = driver("redis", "redis")
        host = str(ctx.render(self.host))
        port = ctx.render_as(self.port, int)

        def run(action: str, work: Any) -> Any:
            try:
                with redis.Redis(host=host, port=port, socket_timeout=10) as client:
                    return work(client)
            except redis.RedisError as exc:
                raise TaskFailure(
                    f"{action} (Redis at {host}:{port}): {one_line(str(exc))}"
                ) from None

        memory = ChatMemory(limit)
        if drop is Drop.BEFORE_TASKRUN:
            run("Failed to drop chat memory", lambda client: client.delete(key))
        else:
            raw = run("Failed to load chat memory", lambda client: client.get(key))
            if raw is not None:
                for message in from_langchain4j(raw, key):
                    memory.add(message)

        def close() -> None:
            if drop is Drop.AFTER_TASKRUN:
                run("Failed to drop chat memory", lambda client: client.delete(key))
                return
            seconds = max(1, int(ttl.total_seconds()))
            text = to_langchain4j(memory.messages)
            run("Failed to save chat memory", lambda client: client.setex(key, seconds, text))

        memory.close = close
        return memory
