"""``documentSplitter``: cut documents into segments of at most ``maxSegmentSizeInChars``,
the way langchain4j's splitters do (paragraphs, lines, sentences, words; RECURSIVE falls back
from each to the next when a piece is still too long), with whole sentences of the previous
segment repeated as overlap."""

import re
from collections.abc import Callable
from enum import StrEnum

from pydantic import Field, model_validator

from tiercel.sdk import KestraModel


class SplitterType(StrEnum):
    """How text is cut."""

    RECURSIVE = "RECURSIVE"
    PARAGRAPH = "PARAGRAPH"
    LINE = "LINE"
    SENTENCE = "SENTENCE"
    WORD = "WORD"


class DocumentSplitter(KestraModel):
    """How documents are cut into segments before they are embedded."""

    splitter: SplitterType = Field(
        default=SplitterType.RECURSIVE, description="RECURSIVE is recommended for generic text."
    )
    max_segment_size_in_chars: int = Field(description="The longest segment, in characters.")
    max_overlap_size_in_chars: int = Field(
        description="The most characters of whole sentences repeated from the previous segment."
    )

    @model_validator(mode="after")
    def _sizes(self) -> "DocumentSplitter":
        if self.max_segment_size_in_chars < 1:
            raise ValueError("maxSegmentSizeInChars must be at least 1")
        if not 0 <= self.max_overlap_size_in_chars < self.max_segment_size_in_chars:
            raise ValueError("maxOverlapSizeInChars must be from 0 to below maxSegmentSizeInChars")
        return self

    def split(self, text: str) -> list[str]:
        """The segments of ``text``."""
        order: list[SplitterType] = list(SplitterType)[1:]
        levels: list[SplitterType] = (
            order if self.splitter is SplitterType.RECURSIVE else [self.splitter]
        )
        if self.splitter is not SplitterType.RECURSIVE:
            # langchain4j's single-level splitters fall back to the finer ones for long pieces.
            levels = order[order.index(self.splitter) :]
        return _split(text, levels, self.max_segment_size_in_chars, self.max_overlap_size_in_chars)


_SENTENCE_END = re.compile(r"(?<=[.!?。！？])\s+")
_CUTS: dict[SplitterType, tuple[Callable[[str], list[str]], str]] = {
    SplitterType.PARAGRAPH: (lambda text: re.split(r"\s*\n\s*\n\s*", text), "\n\n"),
    SplitterType.LINE: (lambda text: re.split(r"\s*\n\s*", text), "\n"),
    SplitterType.SENTENCE: (lambda text: _SENTENCE_END.split(text), " "),
    SplitterType.WORD: (lambda text: text.split(), " "),
}


def _split(text: str, levels: list[SplitterType], size: int, overlap: int) -> list[str]:
    if not levels:
        return [text[i : i + size] for i in range(0, len(text), size)]
    cut, joiner = _CUTS[levels[0]]
    pieces: list[str] = []
    for part in (p.strip() for p in cut(text)):
        if not part:
            continue
        pieces.extend([part] if len(part) <= size else _split(part, levels[1:], size, overlap))
    segments: list[str] = []
    current = ""
    for piece in pieces:
        candidate = f"{current}{joiner}{piece}" if current else piece
        if len(candidate) <= size:
            current = candidate
            continue
        segments.append(current)
        carried = _overlap(current, overlap)
        current = (
            f"{carried}{joiner}{piece}"
            if carried and len(carried) + len(joiner) + len(piece) <= size
            else piece
        )
    if current:
        segments.append(current)
    return segments


def _overlap(segment: str, limit: int) -> str:
    """The last whole sentences of ``segment`` that fit in ``limit`` characters."""
    if limit <= 0:
        return ""
    kept: list[str] = []
    length = 0
    for sentence in reversed(_SENTENCE_END.split(segment)):
        added = len(sentence) + (1 if kept else 0)
        if length + added > limit:
            break
        kept.insert(0, sentence)
        length += added
    return " ".join(kept)
