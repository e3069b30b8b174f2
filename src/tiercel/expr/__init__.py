"""Kestra's expression language (Pebble templates) in pure Python.

A pure layer: it imports nothing from Tiercel (only the standard library, PyYAML and, when
installed, the ``jq`` bindings), does no I/O and reads no clock, random source or secret store.
Templates (``{{ }}``, ``{% %}``, ``{# #}``) are parsed by a small lexer and a precedence-climbing
parser, compiled once into closures and cached by their text. Functions that need the outside
world (``now``, ``secret``, ``kv``, ``read``, ``uuid``...) come from the caller's
``Environment``.

Semantics follow Kestra's Pebble setup: strict variables (an undefined variable is an error,
except under ``??``, ``???``, ``is defined`` and ``| default``), maps and lists print as compact
JSON, null prints as nothing, and a value holding ``{{ }}`` is not re-rendered unless passed to
``render()``.
"""

from typing import Any

from tiercel.expr.environment import Environment
from tiercel.expr.errors import ExpressionError, TemplateSyntaxError, UndefinedError
from tiercel.expr.template import (
    Template,
    compile_expression,
    compile_template,
    evaluate,
    render,
    render_typed,
    render_value,
)
from tiercel.expr.values import is_truthy, to_output


def to_string(value: Any) -> str:
    """Print a value as ``{{ value }}`` would (JSON for collections, '' for null)."""
    return to_output(value)


def clear_cache() -> None:
    """Forget every compiled template (for tests and memory pressure)."""
    compile_template.cache_clear()
    compile_expression.cache_clear()


__all__ = [
    "Environment",
    "ExpressionError",
    "Template",
    "TemplateSyntaxError",
    "UndefinedError",
    "clear_cache",
    "compile_expression",
    "compile_template",
    "evaluate",
    "is_truthy",
    "render",
    "render_typed",
    "render_value",
    "to_string",
]
