"""The syntax tree the parser builds and the compiler turns into closures.

Every node carries ``pos``, its offset in the source, so a failure at render time can name the
line and column it happened at.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(slots=True)
class Node:
    """Base of every node."""

    pos: int


# --- expressions -----------------------------------------------------------------------------


@dataclass(slots=True)
class Literal(Node):
    value: Any


@dataclass(slots=True)
class Var(Node):
    name: str


@dataclass(slots=True)
class GetAttr(Node):
    """``obj.name`` (``name`` given) or ``obj[key]`` (``key`` given)."""

    obj: Node
    name: str | None = None
    key: Node | None = None


@dataclass(slots=True)
class MethodCall(Node):
    """``obj.name(args)``: Pebble calls a Java method; a few common ones are emulated."""

    obj: Node
    name: str
    args: list[Node] = field(default_factory=list)


@dataclass(slots=True)
class Call(Node):
    """A function or macro call: ``name(args, key=value)``."""

    name: str
    args: list[Node] = field(default_factory=list)
    kwargs: dict[str, Node] = field(default_factory=dict)


@dataclass(slots=True)
class Filter(Node):
    expr: Node
    name: str
    args: list[Node] = field(default_factory=list)
    kwargs: dict[str, Node] = field(default_factory=dict)


@dataclass(slots=True)
class Test(Node):
    expr: Node
    name: str
    negated: bool
    args: list[Node] = field(default_factory=list)


@dataclass(slots=True)
class Unary(Node):
    op: str
    expr: Node


@dataclass(slots=True)
class Binary(Node):
    op: str
    left: Node
    right: Node


@dataclass(slots=True)
class Ternary(Node):
    cond: Node
    then: Node
    otherwise: Node


@dataclass(slots=True)
class ListLit(Node):
    items: list[Node]


@dataclass(slots=True)
class MapLit(Node):
    pairs: list[tuple[Node, Node]]


# --- statements ------------------------------------------------------------------------------


@dataclass(slots=True)
class Text(Node):
    text: str


@dataclass(slots=True)
class Print(Node):
    expr: Node


@dataclass(slots=True)
class If(Node):
    branches: list[tuple[Node, list[Node]]]
    otherwise: list[Node] | None


@dataclass(slots=True)
class For(Node):
    targets: list[str]
    iterable: Node
    body: list[Node]
    otherwise: list[Node] | None


@dataclass(slots=True)
class Set(Node):
    name: str
    expr: Node


@dataclass(slots=True)
class Macro(Node):
    name: str
    params: list[tuple[str, Node | None]]
    body: list[Node]


@dataclass(slots=True)
class FilterBlock(Node):
    """``{% filter upper | trim %}body{% endfilter %}``; ``filters`` wrap a placeholder."""

    filters: list[Filter]
    body: list[Node]


@dataclass(slots=True)
class Block(Node):
    name: str
    body: list[Node]
