"""Reading flow YAML into plain data, remembering where every value came from.

PyYAML (with libyaml when present) composes the node graph; the values are built here, so that
scalars are typed as Kestra's Jackson reader types them (``2024-01-01`` and ``yes`` stay text),
duplicate keys are reported, and hostile input (alias bombs, recursive anchors, deep nesting,
huge or binary files) fails in bounded time and memory with a message instead of a traceback.
"""

import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import yaml

from tiercel.model.errors import Path

_PLAIN = "tiercel:untagged"
"""The tag the composer gives a scalar written without one; this module types it itself."""

_BaseLoader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when built with it


class _Loader(_BaseLoader):  # type: ignore[misc]
    """Composes nodes without guessing scalar types: YAML 1.1's guesses are not Jackson's."""

    yaml_implicit_resolvers: dict[str, list[object]] = {}  # noqa: RUF012 - PyYAML's API
    DEFAULT_SCALAR_TAG = _PLAIN


MAX_BYTES = 10 * 1024 * 1024
"""The largest flow source accepted; Kestra's own limit on a flow is far smaller in practice."""
MAX_INT_DIGITS = 4300
"""The longest integer read, in digits: Python's own limit for decimal conversion."""
MAX_VALUES = 1_000_000
"""The most values a source may expand to, aliases counted each time they are used."""
MAX_DEPTH = 200
"""The deepest nesting of mappings and lists accepted."""
_MAX_BRACKET_DEPTH = 1_000  # libyaml recurses in C on flow collections: refuse before it does.

_TAG = "tag:yaml.org,2002:"
_TYPED_TAGS = {_TAG + name for name in ("int", "float", "bool", "null", "timestamp")}
_NULL = {"", "~", "null", "Null", "NULL"}
_TRUE = {"true", "True", "TRUE"}
_FALSE = {"false", "False", "FALSE"}
_INT = re.compile(r"[-+]?[0-9]+$")
_HEX = re.compile(r"0x[0-9a-fA-F]+$")
_OCT = re.compile(r"0o[0-7]+$")
_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")
_SPECIAL_FLOATS = {
    ".inf": math.inf, ".Inf": math.inf, ".INF": math.inf,
    "+.inf": math.inf, "+.Inf": math.inf, "+.INF": math.inf,
    "-.inf": -math.inf, "-.Inf": -math.inf, "-.INF": -math.inf,
    ".nan": math.nan, ".NaN": math.nan, ".NAN": math.nan,
}  # fmt: skip


class SourceError(Exception):
    """The source cannot be read as YAML at all."""

    def __init__(self, message: str, line: int = 1, column: int = 1) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column


@dataclass(frozen=True, slots=True)
class SourceIssue:
    """A problem inside one document that does not stop it being read (a duplicate key)."""

    path: Path
    message: str
    line: int
    column: int


@dataclass(slots=True)
class Document:
    """One YAML document: its data, and its nodes to tell where any value is written."""

    data: Any
    line: int
    root: yaml.Node | None = None
    issues: list[SourceIssue] = field(default_factory=list)

    def position(self, path: Path) -> tuple[int, int]:
        """Return the 1-based line and column of ``path``: the key of a mapping entry, the
        start of a list item, or the nearest enclosing value that exists.

        Positions are looked up in the node tree only when asked for, so reading a valid
        flow records none.
        """
        node = self.root
        if node is None:
            return (self.line, 1)
        found = _where(node)
        for part in path:
            if isinstance(node, yaml.MappingNode):
                for key_node, value_node, _ in _merged_pairs(node):
                    if isinstance(key_node, yaml.ScalarNode) and _key_text(key_node) == part:
                        found, node = _where(key_node), value_node
                        break
                else:
                    return found
            elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
                if not 0 <= part < len(node.value):
                    return found
                node = node.value[part]
                found = _where(node)
            else:
                return found
        return found


def decode(raw: bytes) -> str:
    """Turn file bytes into text, refusing what is too large, binary or not UTF-8."""
    if len(raw) > MAX_BYTES:
        raise SourceError(
            f"file is {len(raw) / 1_048_576:.1f} MiB, over the {MAX_BYTES // 1_048_576} MiB "
            "limit for a flow source"
        )
    if b"\x00" in raw:
        raise SourceError("this is a binary file, not YAML text")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise SourceError(f"not UTF-8 text (byte {exc.start})", line) from None


def read_documents(text: str) -> list[Document]:
    """Parse every ``---``-separated document of a YAML text.

    Raises:
        SourceError: the text is not YAML, or is hostile (see module docstring).
    """
    if len(text) > MAX_BYTES:
        raise SourceError(f"source is over the {MAX_BYTES // 1_048_576} MiB limit")
    _refuse_deep_brackets(text)
    documents: list[Document] = []
    builder = _Builder()
    try:
        for node in yaml.compose_all(text, Loader=_Loader):
            document = builder.document(node)
            if document.data is not None:  # an empty document, as after a trailing '---'
                documents.append(document)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        message = " ".join(part for part in (exc.context, exc.problem) if part) or str(exc)
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        raise SourceError(f"invalid YAML: {message}", line, column) from None
    except yaml.YAMLError as exc:
        raise SourceError(f"invalid YAML: {exc}") from None
    except RecursionError:
        raise SourceError(f"nesting deeper than {MAX_DEPTH} levels") from None
    return documents


def _refuse_deep_brackets(text: str) -> None:
    if text.count("[") + text.count("{") <= _MAX_BRACKET_DEPTH:
        return
    # The brackets alone first (a flow of many `{{ expressions }}` has thousands): walked as
    # one short string, the text itself only searched again to name the line of a refusal.
    depth = 0
    for bracket in _NOT_BRACKETS.sub("", text):
        depth += 1 if bracket in "[{" else -1
        if depth > _MAX_BRACKET_DEPTH:
            break
    else:
        return
    depth = 0
    for match in re.finditer(r"[\[\]{}]", text):
        depth += 1 if match.group() in "[{" else -1
        if depth > _MAX_BRACKET_DEPTH:
            line = text.count("\n", 0, match.start()) + 1
            raise SourceError(f"nesting deeper than {MAX_DEPTH} levels", line)


_NOT_BRACKETS = re.compile(r"[^\[\]{}]+")


class _Builder:
    """Builds values from composed nodes, counting every value it makes."""

    def __init__(self) -> None:
        self.count = 0
        self.sizes: dict[int, tuple[Any, int]] = {}
        self.active: set[int] = set()
        self.path: list[str | int] = []  # where the builder is, for duplicate-key reports

    def document(self, node: yaml.Node) -> Document:
        # Aliases never cross documents, and node ids may be reused once a document is freed.
        self.sizes.clear()
        doc = Document(data=None, line=node.start_mark.line + 1, root=node)
        doc.data = self.value(node, doc, 0)
        return doc

    def value(self, node: yaml.Node, doc: Document, depth: int) -> Any:
        if isinstance(node, yaml.ScalarNode):  # the common case, kept cheap
            self._spend(1, node)
            return _scalar(node)
        key = id(node)
        cached = self.sizes.get(key)
        if cached is not None:
            # An alias: the value is shared, but it counts again towards the budget.
            self._spend(cached[1], node)
            return cached[0]
        if key in self.active:
            raise SourceError("recursive YAML alias: a value contains itself", *_where(node))
        if depth > MAX_DEPTH:
            raise SourceError(f"nesting deeper than {MAX_DEPTH} levels", *_where(node))
        before = self.count
        self.active.add(key)
        try:
            if isinstance(node, yaml.MappingNode):
                result: Any = self._mapping(node, doc, depth)
            else:  # a sequence: scalars were handled above
                result = []
                for index, item in enumerate(node.value):
                    self.path.append(index)
                    result.append(self.value(item, doc, depth + 1))
                    self.path.pop()
        finally:
            self.active.discard(key)
        self._spend(1, node)
        self.sizes[key] = (result, self.count - before)
        return result

    def _mapping(self, node: yaml.MappingNode, doc: Document, depth: int) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key_node, value_node, merged in _merged_pairs(node):
            name = _key_text(key_node)
            if name in result and not merged:
                line, column = _where(key_node)
                path = (*self.path, name)
                doc.issues.append(SourceIssue(path, f"Duplicate field '{name}'", line, column))
            if not merged or name not in result:
                self.path.append(name)
                result[name] = self.value(value_node, doc, depth + 1)
                self.path.pop()
        return result

    def _spend(self, amount: int, node: yaml.Node) -> None:
        self.count += amount
        if self.count > MAX_VALUES:
            raise SourceError(
                f"the document expands to over {MAX_VALUES:,} values (an alias bomb?)",
                *_where(node),
            )


def _merged_pairs(node: yaml.MappingNode) -> Iterator[tuple[yaml.Node, yaml.Node, bool]]:
    """Yield a mapping's own pairs, then those brought in by ``<<`` merge keys (flagged)."""
    merged: list[tuple[yaml.Node, yaml.Node]] = []
    for key_node, value_node in node.value:
        if key_node.value == "<<" and key_node.tag == _PLAIN and not key_node.style:
            sources = (
                value_node.value if isinstance(value_node, yaml.SequenceNode) else [value_node]
            )
            for source in sources:
                if not isinstance(source, yaml.MappingNode):
                    raise SourceError("'<<' must merge a mapping", *_where(source))
                merged.extend((key, value) for key, value, _ in _merged_pairs(source))
        else:
            yield key_node, value_node, False
    for key_node, value_node in merged:
        yield key_node, value_node, True


def _key_text(key_node: yaml.Node) -> str:
    key = _scalar(key_node) if isinstance(key_node, yaml.ScalarNode) else None
    if key is None or not isinstance(key, str | int | float | bool):
        raise SourceError("a mapping key must be a plain value", *_where(key_node))
    return key if isinstance(key, str) else _as_text(key)


def _where(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def _as_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _scalar(node: yaml.ScalarNode) -> Any:
    text, tag = node.value, node.tag
    if tag == _PLAIN:
        # Untagged: quoted and block scalars are text; plain ones are typed as Jackson types
        # them (YAML 1.2 core schema), so ``yes`` and ``2024-01-01`` stay text.
        return _plain(text, node) if not node.style else text
    return _typed(text, tag, node)


_MAYBE_TYPED = frozenset("0123456789+-.~nNtTfF")


def _plain(text: str, node: yaml.Node) -> Any:
    if text and text[0] not in _MAYBE_TYPED:
        return text  # most plain scalars are words: no pattern can match
    if text in _NULL:
        return None
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    if _INT.match(text):
        digits = len(text.lstrip("+-"))
        if digits > MAX_INT_DIGITS:
            # Python refuses to convert it (as Jackson refuses numbers over 1,000 digits).
            raise SourceError(
                f"a number of {digits} digits is too large (at most {MAX_INT_DIGITS}); "
                "quote it to have text",
                *_where(node),
            )
        return int(text)
    if _HEX.match(text):
        return int(text, 16)
    if _OCT.match(text):
        return int(text[2:], 8)
    if _FLOAT.match(text):
        return float(text)
    special = _SPECIAL_FLOATS.get(text)
    return special if special is not None else text


def _typed(text: str, tag: str, node: yaml.Node) -> Any:
    if tag in (_TAG + "str", _TAG + "timestamp"):
        return text
    if tag in _TYPED_TAGS:
        value = _plain(text, node)
        if isinstance(value, str):
            raise SourceError(f"'{text}' is not a valid {tag[len(_TAG) :]}", *_where(node))
        return value
    raise SourceError(f"unsupported YAML tag '{tag}'", *_where(node))
