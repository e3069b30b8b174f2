"""``io.kestra.plugin.ai.memory.KestraKVStore`` (alias ``KestraKVMemory``): a conversation kept
in a KV pair of the flow's namespace, by memory id, so that later tasks (and later executions
with the same id) continue it. The value is langchain4j's chat-message JSON, as Kestra writes
it, so Kestra and Tiercel read each other's memories."""

import json
from collections.abc import Sequence
from datetime import timedelta
from enum import StrEnum
from typing import Any, Literal

from pydantic import Field

from tiercel.plugins.ai.domain.messages import Message, Role, ToolCall
from tiercel.plugins.cloud.env import Env
from tiercel.sdk import Duration, KestraModel, Property, RunContext, TaskFailure, Text


class Drop(StrEnum):
    """When to erase the memory."""

    NEVER = "NEVER"
    BEFORE_TASKRUN = "BEFORE_TASKRUN"
    AFTER_TASKRUN = "AFTER_TASKRUN"


class MemoryProvider(KestraModel):
    """What every memory has: the window size, the time to live, the key and when to drop."""

    messages: Property[int] = Field(
        default=10,
        description="The most messages kept; the oldest go first, the system message stays.",
    )
    ttl: Property[Duration] = Field(
        default=timedelta(hours=1), description="How long the memory lives (1 hour)."
    )
    memory_id: Text = Field(
        default="{{ labels.system.correlationId }}",
        description="The memory's key: by default the execution's correlation id, shared by "
        "the flow's tasks and its subflows.",
    )
    drop: Property[Drop] = Field(
        default=Drop.NEVER,
        description="Erase the memory BEFORE_TASKRUN (start afresh) or AFTER_TASKRUN (use it, "
        "then erase it); NEVER by default.",
    )

    def settings(self, ctx: RunContext) -> tuple[int, str, Drop, timedelta]:
        """The rendered window size, key, drop mode and time to live.

        Raises:
            TaskFailure: a setting is invalid.
        """
        env = Env.of_task(ctx)
        limit = env.value(self.messages, int)
        if limit < 1:
            raise TaskFailure(f"memory `messages` must be at least 1, got {limit}")
        key = str(ctx.render(self.memory_id)).strip()
        if not key:
            raise TaskFailure("memory `memoryId` rendered empty (no system.correlationId label?)")
        return limit, key, env.value(self.drop, Drop), env.value(self.ttl, timedelta)

    def open(self, ctx: RunContext) -> "ChatMemory":
        """Load the conversation (none when dropped before the run).

        Raises:
            TaskFailure: the settings are invalid or the stored value is not a chat memory.
        """
        raise NotImplementedError


class KestraKVStore(MemoryProvider):
    """Chat memory in a KV pair."""

    type: Literal[
        "io.kestra.plugin.ai.memory.KestraKVStore",
        "io.kestra.plugin.ai.memory.KestraKVMemory",
        "io.kestra.plugin.langchain4j.memory.KestraKVMemory",
    ]

    def open(self, ctx: RunContext) -> "ChatMemory":
        """Load the conversation from the KV pair (none when dropped before the run).

        Raises:
            TaskFailure: the settings are invalid or the KV pair is not a chat memory.
        """
        limit, key, drop, ttl = self.settings(ctx)
        kv = ctx.kv()
        memory = ChatMemory(limit)
        if drop is Drop.BEFORE_TASKRUN:
            kv.delete(key)
        else:
            raw = kv.get(key)
            if raw is not None:
                for message in from_langchain4j(raw, key):
                    memory.add(message)

        def close() -> None:
            if drop is Drop.AFTER_TASKRUN:
                kv.delete(key)
            else:
                kv.set(key, to_langchain4j(memory.messages), kv_type="STRING", ttl=ttl)

        memory.close = close
        return memory


class ChatMemory:
    """A message window (langchain4j's ``MessageWindowChatMemory``): one system message,
    replaced when it changes and kept first; past ``limit`` messages the oldest other ones are
    evicted, with the tool results of an evicted tool call."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.messages: list[Message] = []
        self.close: Any = lambda: None

    def add(self, message: Message) -> None:
        """Remember a message, evicting the oldest past the limit."""
        if message.role is Role.SYSTEM:
            if self.messages and self.messages[0].role is Role.SYSTEM:
                if self.messages[0] == message:
                    return
                self.messages.pop(0)
            self.messages.insert(0, message)
        else:
            self.messages.append(message)
        while len(self.messages) > self.limit:
            first = 1 if self.messages[0].role is Role.SYSTEM else 0
            if first >= len(self.messages):
                return
            evicted = self.messages.pop(first)
            if evicted.tool_calls:
                while first < len(self.messages) and self.messages[first].role is Role.TOOL:
                    self.messages.pop(first)


def to_langchain4j(messages: Sequence[Message]) -> str:
    """langchain4j's ``ChatMessageSerializer.messagesToJson``."""
    out: list[dict[str, Any]] = []
    for message in messages:
        if message.role is Role.SYSTEM:
            out.append({"text": message.text, "type": "SYSTEM"})
        elif message.role is Role.USER:
            out.append({"contents": [{"text": message.text, "type": "TEXT"}], "type": "USER"})
        elif message.role is Role.TOOL:
            out.append({"id": message.tool_call_id, "toolName": message.tool_name,
                        "text": message.text, "type": "TOOL_EXECUTION_RESULT"})  # fmt: skip
        else:
            ai: dict[str, Any] = {"text": message.text} if message.text else {}
            if message.tool_calls:
                ai["toolExecutionRequests"] = [
                    {"id": call.id, "name": call.name, "arguments": call.arguments}
                    for call in message.tool_calls
                ]
            out.append({**ai, "type": "AI"})
    return json.dumps(out, ensure_ascii=False)


def from_langchain4j(raw: Any, key: str) -> list[Message]:
    """langchain4j's ``ChatMessageDeserializer.messagesFromJson``: text or ``contents`` of
    TEXT parts (other parts, such as images, are left out).

    Raises:
        TaskFailure: the value is not a list of chat messages.
    """
    try:
        items = json.loads(raw) if isinstance(raw, str | bytes) else raw
        if not isinstance(items, list):
            raise TypeError("not a list")
        messages = []
        for item in items:
            kind = item["type"]
            text = item.get("text")
            if text is None:
                parts = item.get("contents") or []
                text = "\n".join(p["text"] for p in parts if p.get("type", "TEXT") == "TEXT")
            if kind == "SYSTEM":
                messages.append(Message(Role.SYSTEM, text))
            elif kind == "USER":
                messages.append(Message(Role.USER, text))
            elif kind == "AI":
                calls = tuple(
                    ToolCall(str(c.get("id")), str(c["name"]), str(c.get("arguments") or "{}"))
                    for c in item.get("toolExecutionRequests") or []
                )
                messages.append(Message(Role.ASSISTANT, text or "", tool_calls=calls))
            elif kind == "TOOL_EXECUTION_RESULT":
                messages.append(Message(Role.TOOL, text, tool_call_id=item.get("id"),
                                        tool_name=item.get("toolName")))  # fmt: skip
            else:
                raise ValueError(f"unknown message type {kind!r}")
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise TaskFailure(f"KV pair '{key}' is not a chat memory: {exc}") from None
    return messages
