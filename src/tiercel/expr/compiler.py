"""Compile statement nodes (text, output, tags) into closures ``fn(rt) -> str``.

Each template is compiled once; the closures capture everything known at compile time (names,
constants, bound filters), so a render only walks closures.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tiercel.expr import nodes as n
from tiercel.expr.errors import ExpressionError
from tiercel.expr.expressions import ExpressionCompiler, Fn, MacroDef
from tiercel.expr.javatypes import MapEntry
from tiercel.expr.runtime import Runtime
from tiercel.expr.values import java_str, pebble_bool, to_output

Part = str | Fn


class Compiler(ExpressionCompiler):
    """Compiles one template; collects its macros and blocks."""

    def __init__(self, source: str) -> None:
        super().__init__(source)
        self.blocks: dict[str, Fn] = {}

    def body(self, nodes: list[n.Node]) -> Fn:
        # Macros are callable before their definition and from each other, as in Pebble:
        # register them all, then compile their bodies.
        macros = [node for node in nodes if isinstance(node, n.Macro)]
        for node in macros:
            params = [p for p, _ in node.params]
            self.macros[node.name] = MacroDef(node.name, params, [], lambda rt: "")
        for node in macros:
            self.macro(node)
        parts: list[Part] = [
            self.statement(node) for node in nodes if not isinstance(node, n.Macro)
        ]
        parts = [p for p in parts if p != ""]
        if not parts:
            return lambda rt: ""
        if len(parts) == 1:
            only = parts[0]
            if isinstance(only, str):
                return lambda rt: only
            return only
        if all(isinstance(p, str) for p in parts):
            text = "".join(p for p in parts if isinstance(p, str))
            return lambda rt: text

        def render(rt: Runtime) -> str:
            return "".join([p if p.__class__ is str else p(rt) for p in parts])  # type: ignore[operator]

        return render

    def statement(self, node: n.Node) -> Part:
        if isinstance(node, n.Text):
            return node.text
        if isinstance(node, n.Print):
            return self.print_(node)
        if isinstance(node, n.If):
            return self.if_(node)
        if isinstance(node, n.For):
            return self.for_(node)
        if isinstance(node, n.Set):
            return self.set_(node)
        if isinstance(node, n.FilterBlock):
            return self.filter_block(node)
        if isinstance(node, n.Block):
            return self.block(node)
        raise self.fail(f"Unsupported statement {type(node).__name__}", node.pos)

    def print_(self, node: n.Print) -> Part:
        expr = self.expr(node.expr)
        if isinstance(node.expr, n.Literal):
            return to_output(node.expr.value)

        def print_value(rt: Runtime) -> str:
            value = expr(rt)
            return value if value.__class__ is str else to_output(value)

        return print_value

    def if_(self, node: n.If) -> Fn:
        branches = [(self.expr(cond), self.body(body), cond.pos) for cond, body in node.branches]
        otherwise = self.body(node.otherwise) if node.otherwise is not None else None

        def run(rt: Runtime) -> str:
            for cond, body, pos in branches:
                try:
                    satisfied = pebble_bool(cond(rt), '"if" statement')
                except ExpressionError as exc:
                    raise exc.at(pos) from None
                if satisfied:
                    return str(body(rt))
            return str(otherwise(rt)) if otherwise is not None else ""

        return run

    def for_(self, node: n.For) -> Fn:
        iterable, body = self.expr(node.iterable), self.body(node.body)
        otherwise = self.body(node.otherwise) if node.otherwise is not None else None
        targets, pos = node.targets, node.pos

        def run(rt: Runtime) -> str:
            value = iterable(rt)
            if value is None:
                return ""
            if isinstance(value, Mapping):
                items: list[Any] = (
                    list(value.items())
                    if len(targets) > 1
                    else [MapEntry(k, v) for k, v in value.items()]
                )
            elif isinstance(value, list | tuple | set | frozenset):
                items = list(value)
            else:
                raise ExpressionError(
                    f"Not an iterable object. Value = [{java_str(value)}]", offset=pos
                )
            if not items:
                return str(otherwise(rt)) if otherwise is not None else ""
            scope: dict[str, Any] = {}
            rt.scopes.append(scope)
            out: list[str] = []
            size = len(items)
            try:
                for index, item in enumerate(items):
                    scope["loop"] = {
                        "index": index,
                        "revindex": size - index - 1,
                        "first": index == 0,
                        "last": index == size - 1,
                        "length": size,
                    }
                    if len(targets) == 1:
                        scope[targets[0]] = item
                    else:
                        unpacked = list(item) if isinstance(item, list | tuple) else [item]
                        for target_index, target in enumerate(targets):
                            has = target_index < len(unpacked)
                            scope[target] = unpacked[target_index] if has else None
                    out.append(body(rt))
            finally:
                rt.scopes.pop()
            return "".join(out)

        return run

    def set_(self, node: n.Set) -> Fn:
        expr, name = self.expr(node.expr), node.name

        def run(rt: Runtime) -> str:
            rt.assign(name, expr(rt))
            return ""

        return run

    def macro(self, node: n.Macro) -> None:
        definition = self.macros[node.name]
        definition.defaults = [self.expr(d) if d is not None else None for _, d in node.params]
        definition.body = self.body(node.body)

    def filter_block(self, node: n.FilterBlock) -> Fn:
        chain: n.Node = n.Var(node.pos, "")
        for filter_node in node.filters:
            filter_node.expr = chain
            chain = filter_node
        body, apply = self.body(node.body), self.expr(chain)

        def run(rt: Runtime) -> str:
            rt.scopes.append({"": body(rt)})
            try:
                return to_output(apply(rt))
            finally:
                rt.scopes.pop()

        return run

    def block(self, node: n.Block) -> Fn:
        body = self.body(node.body)
        self.blocks[node.name] = body
        return body


__all__ = ["Compiler", "Fn", "MacroDef"]
