"""Compiled templates, the compile cache and the rendering entry points."""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from typing import Any

from tiercel.expr import nodes as n
from tiercel.expr.compiler import Compiler, Fn, MacroDef
from tiercel.expr.environment import DEFAULT_ENVIRONMENT, Environment
from tiercel.expr.errors import ExpressionError
from tiercel.expr.lexer import tokenize, tokenize_expression
from tiercel.expr.parser import parse_expression
from tiercel.expr.runtime import Runtime
from tiercel.expr.statements import parse_template

CACHE_SIZE = 4096


class Template:
    """A template compiled once into closures; render it as often as needed.

    Attributes:
        source: The template text.
        single_expression: True when the template is one ``{{ expr }}`` (whitespace around it
            allowed), so ``evaluate_native`` can return the value itself.
    """

    __slots__ = ("_blocks", "_body", "_expression", "_macros", "single_expression", "source")

    def __init__(
        self,
        source: str,
        body: Fn,
        macros: Mapping[str, MacroDef],
        blocks: Mapping[str, Fn],
        expression: Fn | None,
    ) -> None:
        self.source = source
        self._body = body
        self._macros = macros
        self._blocks = blocks
        self._expression = expression
        self.single_expression = expression is not None

    def render(self, context: Mapping[str, Any], env: Environment | None = None) -> str:
        """Render with ``context`` as the variables.

        Raises:
            ExpressionError: The template uses an undefined variable or fails to evaluate.
        """
        rt = Runtime(context, env or DEFAULT_ENVIRONMENT, self._macros, self._blocks)
        return self.render_with(rt)

    def render_with(self, rt: Runtime) -> str:
        """Render within an existing runtime (used by ``render()`` inside templates)."""
        rt.macros, rt.blocks = self._macros, self._blocks
        return str(self._run(self._body, rt))

    def evaluate_native(self, context: Mapping[str, Any], env: Environment | None = None) -> Any:
        """The value of the single ``{{ expr }}``, or the rendered string when there is more."""
        rt = Runtime(context, env or DEFAULT_ENVIRONMENT, self._macros, self._blocks)
        if self._expression is None:
            return self.render_with(rt)
        return self._run(self._expression, rt)

    def _run(self, function: Fn, rt: Runtime) -> Any:
        try:
            return function(rt)
        except ExpressionError as exc:
            raise exc.locate(self.source) from None
        except Exception as exc:
            # Whatever a filter, a caller's function or an odd value raises, the caller only
            # ever sees ExpressionError (the original stays attached as __cause__).
            error = ExpressionError(f"{type(exc).__name__}: {exc}", source=self.source)
            raise error from exc


def _build(source: str, nodes: list[n.Node]) -> Template:
    compiler = Compiler(source)
    body = compiler.body(nodes)
    expression = None
    prints = [node for node in nodes if isinstance(node, n.Print)]
    others = [node for node in nodes if not isinstance(node, n.Print)]
    if len(prints) == 1 and all(isinstance(o, n.Text) and not o.text.strip() for o in others):
        expression = compiler.expr(prints[0].expr)
    return Template(source, body, compiler.macros, compiler.blocks, expression)


def _compile_safely(source: str, parse: Callable[[], list[n.Node]]) -> Template:
    try:
        return _build(source, parse())
    except ExpressionError:
        raise
    except Exception as exc:  # a parser bug must still reach the caller as ExpressionError
        raise ExpressionError(
            f"Cannot compile: {type(exc).__name__}: {exc}", source=source
        ) from exc


@functools.lru_cache(maxsize=CACHE_SIZE)
def compile_template(source: str) -> Template:
    """Parse and compile a template; cached by its text.

    Raises:
        ExpressionError: The template is not valid (a ``TemplateSyntaxError`` with position).
    """
    return _compile_safely(source, lambda: parse_template(tokenize(source), source))


@functools.lru_cache(maxsize=CACHE_SIZE)
def compile_expression(expression: str) -> Template:
    """Compile a bare expression (the inside of ``{{ }}``); cached by its text."""

    def parse() -> list[n.Node]:
        node = parse_expression(tokenize_expression(expression), expression)
        return [n.Print(node.pos, node)]

    return _compile_safely(expression, parse)


Runtime.compile = compile_template


def render(template: str, context: Mapping[str, Any], *, env: Environment | None = None) -> str:
    """Render a Pebble template to a string; text without ``{`` comes back unchanged."""
    if "{" not in template:
        return template
    return compile_template(template).render(context, env)


def render_typed(
    template: str, context: Mapping[str, Any], *, env: Environment | None = None
) -> Any:
    """Like ``render``, but a template that is exactly one ``{{ expr }}`` gives the value itself."""
    if "{" not in template:
        return template
    return compile_template(template).evaluate_native(context, env)


def evaluate(expression: str, context: Mapping[str, Any], *, env: Environment | None = None) -> Any:
    """Evaluate one expression (the text inside ``{{ }}``) to its native value."""
    return compile_expression(expression).evaluate_native(context, env)


def render_value(value: Any, context: Mapping[str, Any], *, env: Environment | None = None) -> Any:
    """Render every string in a structure (map keys too); other values are kept as they are."""
    if isinstance(value, str):
        return render(value, context, env=env)
    if isinstance(value, Mapping):
        return {
            render_value(key, context, env=env): render_value(item, context, env=env)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [render_value(item, context, env=env) for item in value]
    if isinstance(value, tuple):
        return tuple(render_value(item, context, env=env) for item in value)
    return value


__all__ = [
    "Template",
    "compile_expression",
    "compile_template",
    "evaluate",
    "render",
    "render_typed",
    "render_value",
]
