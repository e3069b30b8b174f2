"""Chat messages as flows write them (``messages`` of ``completion.ChatCompletion``), and the
plain ``Message`` every provider maps to its vendor's shape."""

import json
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from pydantic import Field, model_validator

from tiercel.sdk import KestraModel, TaskFailure


class ChatMessageType(StrEnum):
    """Who speaks."""

    SYSTEM = "SYSTEM"
    AI = "AI"
    USER = "USER"


class ContentBlockType(StrEnum):
    """What a content block holds."""

    TEXT = "TEXT"
    IMAGE = "IMAGE"
    PDF = "PDF"


class ContentBlock(KestraModel):
    """One part of a multimodal message."""

    type: ContentBlockType = Field(default=ContentBlockType.TEXT, description="TEXT by default.")
    text: str | None = Field(default=None, description="The text of a TEXT block.")
    uri: str | None = Field(default=None, description="The file of an IMAGE or PDF block.")


class ChatMessage(KestraModel):
    """A message: `content` text, or `contentBlocks`."""

    type: ChatMessageType = Field(description="SYSTEM, AI or USER.")
    content: str | None = Field(default=None, description="Plain text content.")
    content_blocks: list[ContentBlock] | None = Field(
        default=None, description="Content blocks; only TEXT blocks are supported here."
    )

    @model_validator(mode="after")
    def _one_content(self) -> "ChatMessage":
        has_text = bool(self.content and self.content.strip())
        if has_text == bool(self.content_blocks):
            raise ValueError("Exactly one of `content` or `contentBlocks` must be provided.")
        return self

    def text(self) -> str:
        """The message as text.

        Raises:
            TaskFailure: a block is an image or a PDF, which Tiercel does not send yet.
        """
        if self.content_blocks is None:
            return self.content or ""
        parts = []
        for block in self.content_blocks:
            if block.type is not ContentBlockType.TEXT:
                raise TaskFailure(
                    f"{block.type.value} content blocks are not supported in Tiercel yet: "
                    "use TEXT blocks or `content`"
                )
            if not block.text or not block.text.strip():
                raise TaskFailure("TEXT content blocks require a non-empty `text` field.")
            parts.append(block.text)
        return "\n".join(parts)


class Role(StrEnum):
    """The roles providers map."""

    SYSTEM = "system"
    USER = "user"
    ASSISTANT = "assistant"
    TOOL = "tool"


@dataclass(frozen=True, slots=True)
class ToolCall:
    """A tool the model asks to run: the call's id, the tool's name, its JSON arguments, and
    the opaque signature some vendors attach to it (Gemini's ``thoughtSignature``), which must
    go back with the call on the next request."""

    id: str
    name: str
    arguments: str
    signature: str | None = None

    def argument_object(self) -> dict[str, Any]:
        """The arguments as a JSON object, for vendors that send them as one (Gemini,
        Anthropic, Ollama); empty when the text is not an object (the loop refused it)."""
        try:
            value = json.loads(self.arguments) if self.arguments.strip() else {}
        except ValueError:
            return {}
        return value if isinstance(value, dict) else {}


@dataclass(frozen=True, slots=True)
class ToolSpec:
    """A tool as the model sees it: a name, what it does, a JSON schema of its arguments."""

    name: str
    description: str
    parameters: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Message:
    """A message as providers receive it: an assistant message may ask for tool calls, and a
    TOOL message answers the call ``tool_call_id`` of tool ``tool_name``."""

    role: Role
    text: str
    tool_calls: tuple[ToolCall, ...] = ()
    tool_call_id: str | None = None
    tool_name: str | None = None


ROLES = {
    ChatMessageType.SYSTEM: Role.SYSTEM,
    ChatMessageType.USER: Role.USER,
    ChatMessageType.AI: Role.ASSISTANT,
}


def grouped_tool_results(messages: Sequence[Message]) -> list[Message | list[Message]]:
    """Messages with each run of consecutive TOOL messages gathered in a list: Gemini and
    Anthropic want the results of one round of calls in a single turn."""
    grouped: list[Message | list[Message]] = []
    for message in messages:
        if message.role is Role.TOOL:
            last = grouped[-1] if grouped else None
            if isinstance(last, list):
                last.append(message)
            else:
                grouped.append([message])
        else:
            grouped.append(message)
    return grouped
