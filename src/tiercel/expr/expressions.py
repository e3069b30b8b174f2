"""Compile expression nodes into closures ``fn(rt) -> value``.

Failures carry the offset of the node that failed, so ``Template`` can report its line and
column; only ``UndefinedError`` is caught on purpose, by ``??``, ``???``, ``is defined`` and
``| default``, as Pebble catches ``AttributeNotFoundException``.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from tiercel.expr import nodes as n
from tiercel.expr.access import call_method, get_attribute
from tiercel.expr.collection_filters import FILTERS as COLLECTION_FILTERS
from tiercel.expr.environment import SERVICE_FUNCTIONS
from tiercel.expr.errors import (
    ExpressionError,
    TemplateSyntaxError,
    UndefinedError,
    line_and_column,
)
from tiercel.expr.filters import FILTERS as STRING_FILTERS
from tiercel.expr.functions import FUNCTIONS, TESTS
from tiercel.expr.kestra_filters import FILTERS as KESTRA_FILTERS
from tiercel.expr.operators import OPERATIONS
from tiercel.expr.runtime import Runtime
from tiercel.expr.values import concat_str, java_equals, java_str, negate, pebble_bool, plus

Fn = Callable[[Runtime], Any]
# Kestra's filters replace Pebble's of the same name (date, replace).
FILTERS = {**STRING_FILTERS, **COLLECTION_FILTERS, **KESTRA_FILTERS}


def _bind(
    function: Callable[..., Any], skip: int, args: list[Fn], kwargs: dict[str, Fn]
) -> tuple[list[Fn], dict[str, Fn]]:
    """Check named arguments against the implementation's parameters, as Pebble does."""
    parameters = list(inspect.signature(function).parameters.values())[skip:]
    if any(p.kind is p.VAR_POSITIONAL for p in parameters):
        return args, kwargs
    names = [p.name for p in parameters]
    if len(args) > len(names):
        raise ValueError(f"expects at most {len(names)} arguments, got {len(args)}")
    for name in kwargs:
        if name not in names:
            raise ValueError(f"has no argument named '{name}' (arguments: {', '.join(names)})")
        if names.index(name) < len(args):
            raise ValueError(f"got argument '{name}' twice")
    return args, kwargs


class MacroDef:
    """A compiled ``{% macro %}``: parameter names, default values and the body."""

    __slots__ = ("body", "defaults", "name", "params")

    def __init__(self, name: str, params: list[str], defaults: list[Fn | None], body: Fn) -> None:
        self.name = name
        self.params = params
        self.defaults = defaults
        self.body = body

    def call(self, rt: Runtime, args: list[Any], kwargs: dict[str, Any]) -> str:
        scope: dict[str, Any] = {}
        for index, param in enumerate(self.params):
            if index < len(args):
                scope[param] = args[index]
            elif param in kwargs:
                scope[param] = kwargs[param]
            else:
                default = self.defaults[index]
                scope[param] = default(rt) if default is not None else None
        # A macro sees its arguments and the caller's variables, not the template's locals.
        saved, rt.scopes = rt.scopes, [scope]
        try:
            return str(self.body(rt))
        finally:
            rt.scopes = saved


class ExpressionCompiler:
    """Compiles expressions; knows the template's macros (filled in by ``Compiler``)."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.macros: dict[str, MacroDef] = {}

    def fail(self, message: str, pos: int) -> TemplateSyntaxError:
        line, column = line_and_column(self.source, pos)
        return TemplateSyntaxError(message, source=self.source, line=line, column=column)

    def expr(self, node: n.Node) -> Fn:
        if isinstance(node, n.Literal):
            value = node.value
            return lambda rt: value
        if isinstance(node, n.Var):
            return self.var(node)
        if isinstance(node, n.GetAttr):
            return self.get_attr(node)
        if isinstance(node, n.Filter):
            return self.filter_(node)
        if isinstance(node, n.Binary):
            return self.binary(node)
        if isinstance(node, n.Call):
            return self.call(node)
        if isinstance(node, n.Test):
            return self.test(node)
        if isinstance(node, n.Unary):
            return self.unary(node)
        if isinstance(node, n.Ternary):
            return self.ternary(node)
        if isinstance(node, n.MethodCall):
            return self.method_call(node)
        if isinstance(node, n.ListLit):
            items = [self.expr(item) for item in node.items]
            return lambda rt: [item(rt) for item in items]
        if isinstance(node, n.MapLit):
            pairs = [(self.expr(k), self.expr(v)) for k, v in node.pairs]
            return lambda rt: {k(rt): v(rt) for k, v in pairs}
        raise self.fail(f"Unsupported expression {type(node).__name__}", node.pos)

    def var(self, node: n.Var) -> Fn:
        name, pos = node.name, node.pos

        def lookup(rt: Runtime) -> Any:
            if rt.scopes:
                return rt.lookup(name, pos)
            try:
                return rt.globals[name]
            except KeyError:
                raise UndefinedError(name, pos) from None

        return lookup

    def get_attr(self, node: n.GetAttr) -> Fn:
        obj, pos = self.expr(node.obj), node.pos
        if node.name is not None:
            name = node.name

            def attribute(rt: Runtime) -> Any:
                value = obj(rt)
                if value.__class__ is dict:
                    try:
                        return value[name]
                    except KeyError:
                        pass
                return get_attribute(value, name, pos)

            return attribute
        assert node.key is not None
        key = self.expr(node.key)
        return lambda rt: get_attribute(obj(rt), key(rt), pos)

    def method_call(self, node: n.MethodCall) -> Fn:
        obj, args, name, pos = self.expr(node.obj), self.exprs(node.args), node.name, node.pos
        return lambda rt: call_method(obj(rt), name, [a(rt) for a in args], pos)

    def exprs(self, nodes: list[n.Node]) -> list[Fn]:
        return [self.expr(node) for node in nodes]

    def kwexprs(self, nodes: dict[str, n.Node]) -> dict[str, Fn]:
        return {name: self.expr(node) for name, node in nodes.items()}

    def filter_(self, node: n.Filter) -> Fn:
        function = FILTERS.get(node.name)
        if function is None:
            raise self.fail(f"Filter [{node.name}] does not exist", node.pos)
        try:
            args, kwargs = _bind(function, 2, self.exprs(node.args), self.kwexprs(node.kwargs))
        except ValueError as exc:
            raise self.fail(f"Filter [{node.name}] {exc}", node.pos) from None
        source, name, pos = self.expr(node.expr), node.name, node.pos
        suppress = name == "default"  # Pebble: only "default" survives an undefined input

        def apply(rt: Runtime) -> Any:
            if suppress:
                try:
                    value = source(rt)
                except UndefinedError:
                    value = None
            else:
                value = source(rt)
            try:
                if not args and not kwargs:
                    return function(rt, value)
                return function(
                    rt, value, *[a(rt) for a in args], **{k: f(rt) for k, f in kwargs.items()}
                )
            except ExpressionError as exc:
                raise exc.at(pos) from None
            except (
                TypeError,
                ValueError,
                KeyError,
                IndexError,
                AttributeError,
                OverflowError,
            ) as exc:
                raise ExpressionError(f"Filter [{name}] failed: {exc}", offset=pos) from exc

        return apply

    def test(self, node: n.Test) -> Fn:
        source, negated, pos = self.expr(node.expr), node.negated, node.pos
        if node.name == "defined":

            def defined(rt: Runtime) -> bool:
                try:
                    value = source(rt)
                except UndefinedError:
                    return negated
                return (value is not None) != negated

            return defined
        function = TESTS.get(node.name)
        if function is None:
            raise self.fail(f"Test [{node.name}] does not exist", node.pos)
        args = self.exprs(node.args)

        def run(rt: Runtime) -> bool:
            value = source(rt)
            try:
                return function(rt, value, *[a(rt) for a in args]) != negated
            except ExpressionError as exc:
                raise exc.at(pos) from None

        return run

    def unary(self, node: n.Unary) -> Fn:
        operand, pos = self.expr(node.expr), node.pos
        if node.op == "not":

            def not_(rt: Runtime) -> bool:
                try:
                    return not pebble_bool(operand(rt), "not()")
                except ExpressionError as exc:
                    raise exc.at(pos) from None

            return not_
        operation = negate if node.op == "-" else plus

        def sign(rt: Runtime) -> Any:
            try:
                return operation(operand(rt))
            except ExpressionError as exc:
                raise exc.at(pos) from None

        return sign

    def ternary(self, node: n.Ternary) -> Fn:
        cond, then, otherwise = (
            self.expr(node.cond),
            self.expr(node.then),
            self.expr(node.otherwise),
        )
        pos = node.pos

        def choose(rt: Runtime) -> Any:
            value = cond(rt)
            try:
                chosen = value is not None and pebble_bool(value, "ternary condition")
            except ExpressionError as exc:
                raise exc.at(pos) from None
            return then(rt) if chosen else otherwise(rt)

        return choose

    def call(self, node: n.Call) -> Fn:
        name, pos = node.name, node.pos
        args, kwargs = self.exprs(node.args), self.kwexprs(node.kwargs)
        if name == "block":
            return self.block_call(args, pos)
        if name == "parent":
            return lambda rt: ""  # no template inheritance in Kestra, so no parent block
        macro = self.macros.get(name)
        if macro is not None:
            return lambda rt: macro.call(
                rt, [a(rt) for a in args], {k: f(rt) for k, f in kwargs.items()}
            )
        function = FUNCTIONS.get(name)
        if function is None:
            return self.service_call(name, args, kwargs, pos)
        try:
            _bind(function, 1, args, kwargs)
        except ValueError as exc:
            raise self.fail(f"Function [{name}] {exc}", pos) from None

        def run(rt: Runtime) -> Any:
            try:
                return function(rt, *[a(rt) for a in args], **{k: f(rt) for k, f in kwargs.items()})
            except ExpressionError as exc:
                raise exc.at(pos) from None
            except (TypeError, ValueError, KeyError, IndexError, AttributeError) as exc:
                raise ExpressionError(f"Function [{name}] failed: {exc}", offset=pos) from exc

        return run

    def block_call(self, args: list[Fn], pos: int) -> Fn:
        if len(args) != 1:
            raise self.fail("The block function expects the name of a block", pos)
        name_fn = args[0]

        def render_block(rt: Runtime) -> str:
            name = java_str(name_fn(rt))
            body = rt.blocks.get(name)
            if body is None:
                raise ExpressionError(f"Block [{name}] does not exist", offset=pos)
            return str(body(rt))

        return render_block

    def service_call(self, name: str, args: list[Fn], kwargs: dict[str, Fn], pos: int) -> Fn:
        def run(rt: Runtime) -> Any:
            service = rt.env.functions.get(name)
            if service is None:
                if name in SERVICE_FUNCTIONS:
                    reason = f"function '{name}' is not available here"
                else:
                    reason = f"Function or Macro [{name}] does not exist"
                raise ExpressionError(reason, offset=pos)
            try:
                return service(*[a(rt) for a in args], **{k: f(rt) for k, f in kwargs.items()})
            except ExpressionError as exc:
                raise exc.at(pos) from None
            except Exception as exc:
                raise ExpressionError(f"Function [{name}] failed: {exc}", offset=pos) from exc

        return run

    def binary(self, node: n.Binary) -> Fn:
        op, pos = node.op, node.pos
        left, right = self.expr(node.left), self.expr(node.right)
        if op == "??":

            def coalesce(rt: Runtime) -> Any:
                try:
                    value = left(rt)
                except UndefinedError:
                    return right(rt)
                return right(rt) if value is None else value

            return coalesce
        if op == "???":

            def if_undefined(rt: Runtime) -> Any:
                try:
                    return left(rt)
                except UndefinedError:
                    return right(rt)

            return if_undefined
        if op in ("and", "or"):
            stop = op == "or"
            where = f'"{op}" operator'

            def logic(rt: Runtime) -> bool:
                try:
                    if pebble_bool(left(rt), where) is stop:
                        return stop
                    return pebble_bool(right(rt), where)
                except ExpressionError as exc:
                    raise exc.at(pos) from None

            return logic
        if op == "~":
            return lambda rt: concat_str(left(rt)) + concat_str(right(rt))
        if op in ("==", "equals"):
            return lambda rt: java_equals(left(rt), right(rt))
        if op == "!=":
            return lambda rt: not java_equals(left(rt), right(rt))
        operation = OPERATIONS[op]

        def run(rt: Runtime) -> Any:
            try:
                return operation(op, left(rt), right(rt))
            except ExpressionError as exc:
                raise exc.at(pos) from None

        return run
