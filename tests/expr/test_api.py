"""The public surface of tiercel.expr: caching, errors with positions, and the entry points."""

from __future__ import annotations

import ast
import datetime as dt
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pytest

import tiercel.expr as expr
from tiercel.expr import (
    Environment,
    ExpressionError,
    TemplateSyntaxError,
    UndefinedError,
    compile_template,
    evaluate,
    is_truthy,
    render,
    render_typed,
    render_value,
)

PACKAGE = Path(expr.__file__).parent


def test_public_names_are_pinned() -> None:
    assert sorted(expr.__all__) == [
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


def test_the_layer_imports_nothing_else_from_tiercel() -> None:
    for module in PACKAGE.glob("*.py"):
        tree = ast.parse(module.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module:
                assert not node.module.startswith("tiercel.") or node.module.startswith(
                    "tiercel.expr"
                ), f"{module.name} imports {node.module}"


def test_modules_stay_small() -> None:
    for module in PACKAGE.glob("*.py"):
        lines = module.read_text(encoding="utf-8").count("\n")
        assert lines <= 420, f"{module.name} has {lines} lines"


# --- caching ---------------------------------------------------------------------------------


def test_compiled_templates_are_cached_by_source() -> None:
    expr.clear_cache()
    first = compile_template("Hello {{ name }}")
    assert compile_template("Hello {{ name }}") is first
    assert compile_template("Hello {{ name }}!") is not first
    info = compile_template.cache_info()
    assert info.hits == 1 and info.misses == 2


def test_render_reuses_the_cache() -> None:
    expr.clear_cache()
    for name in ("a", "b", "c"):
        assert render("Hi {{ name }}", {"name": name}) == f"Hi {name}"
    assert compile_template.cache_info().misses == 1


def test_a_template_renders_many_contexts() -> None:
    template = compile_template("{{ x * 2 }}")
    assert [template.render({"x": i}) for i in range(3)] == ["0", "2", "4"]


def test_text_without_braces_is_returned_unchanged() -> None:
    text = "no template here: 50% off"
    assert render(text, {}) is text


def test_evaluate_caches_expressions() -> None:
    expr.clear_cache()
    evaluate("a + 1", {"a": 1})
    evaluate("a + 1", {"a": 2})
    assert expr.compile_expression.cache_info().hits == 1


# --- errors ----------------------------------------------------------------------------------


def test_syntax_errors_give_line_and_column() -> None:
    with pytest.raises(TemplateSyntaxError) as raised:
        render("first line\nsecond {{ 1 + }} line", {})
    error = raised.value
    assert (error.line, error.column) == (2, 15)
    assert "line 2, column 15" in str(error)
    assert "second {{ 1 + }} line" in str(error)


def test_undefined_errors_name_the_variable_and_the_line() -> None:
    with pytest.raises(UndefinedError) as raised:
        render("a\nb\n{{ outputs.task.value }}", {"outputs": {}})
    error = raised.value
    assert error.name == "task"
    assert error.line == 3
    assert str(error).startswith("Unable to find `task` used in the expression")


def test_errors_from_deep_nodes_keep_their_own_position() -> None:
    with pytest.raises(ExpressionError) as raised:
        render(
            "{% for x in [1] %}\n  {{ x | date('yyyy', timeZone='Nowhere/City') }}{% endfor %}", {}
        )
    assert raised.value.line == 2


def test_undefined_is_an_expression_error() -> None:
    assert issubclass(UndefinedError, ExpressionError)
    assert issubclass(TemplateSyntaxError, ExpressionError)


class _Odd:
    def __str__(self) -> str:
        raise KeyError("boom")


def test_python_errors_never_leak() -> None:
    with pytest.raises(ExpressionError):
        render("{{ odd }}", {"odd": _Odd()})
    failing = Environment(functions={"secret": lambda key: {}[key]})
    with pytest.raises(ExpressionError) as raised:
        render("{{ secret('X') }}", {}, env=failing)
    assert "Function [secret] failed" in str(raised.value)


def test_context_is_never_modified() -> None:
    context: dict[str, Any] = {"total": 1, "items": [1, 2]}
    render(
        "{% set total = 5 %}{% for i in items %}{% set total = total + i %}{% endfor %}", context
    )
    assert context == {"total": 1, "items": [1, 2]}


# --- entry points ----------------------------------------------------------------------------


def test_evaluate_returns_native_values() -> None:
    context = {"inputs": {"n": 2, "names": ["a", "b"]}}
    assert evaluate("inputs.n * 2", context) == 4
    assert evaluate("inputs.names", context) == ["a", "b"]
    assert evaluate("inputs.n > 1 and inputs.names contains 'a'", context) is True
    assert evaluate("{'k': inputs.n}", context) == {"k": 2}
    assert evaluate("missing ?? 'x'", context) == "x"


def test_evaluate_rejects_trailing_tokens() -> None:
    with pytest.raises(TemplateSyntaxError):
        evaluate("1 2", {})


def test_render_typed_keeps_the_type_of_a_single_expression() -> None:
    context = {"count": 3, "when": dt.datetime(2024, 1, 1, tzinfo=dt.UTC)}
    assert render_typed("{{ count }}", context) == 3
    assert render_typed(" {{ when }}\n", context) == context["when"]
    assert render_typed("{{ count }} items", context) == "3 items"
    assert render_typed("{{ a }}{{ b }}", {"a": 1, "b": 2}) == "12"
    assert render_typed("{% if true %}{{ count }}{% endif %}", context) == "3"


def test_render_value_walks_structures_and_keys() -> None:
    value = {
        "{{ key }}": ["{{ a }}", 1, None, {"nested": "{{ a | upper }}"}],
        "plain": True,
        "tuple": ("{{ a }}",),
    }
    assert render_value(value, {"key": "k", "a": "x"}) == {
        "k": ["x", 1, None, {"nested": "X"}],
        "plain": True,
        "tuple": ("x",),
    }


def test_rendered_values_are_not_rendered_again() -> None:
    assert render("{{ body }}", {"body": "{{ secret('X') }}"}) == "{{ secret('X') }}"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, False),
        (False, False),
        ("false", False),
        ("0", False),
        ("-0", False),
        ("", False),
        (0, False),
        (True, True),
        ("true", True),
        (1, True),
        ("no", True),
        (0.0, True),
        ([], True),
        ({}, True),
    ],
)
def test_is_truthy_follows_kestra_truth_utils(value: Any, expected: bool) -> None:
    assert is_truthy(value) is expected


def test_is_truthy_on_a_rendered_condition() -> None:
    assert not is_truthy(render("{{ 1 > 2 }}", {}))
    assert is_truthy(evaluate("1 < 2", {}))


def test_now_uses_the_callers_clock_and_zone() -> None:
    moment = dt.datetime(2024, 5, 1, 12, 0, tzinfo=dt.UTC)
    env = Environment(clock=lambda: moment, time_zone="Europe/Paris")
    assert render("{{ now() }}", {}, env=env) == "2024-05-01T14:00:00.000000+02:00"
    # now() gives a string; the date filter shows it in the environment's zone again.
    assert render("{{ now(timeZone='UTC') | date('HH:mm') }}", {}, env=env) == "14:00"
    assert render("{{ now() | date('HH:mm', timeZone='UTC') }}", {}, env=env) == "12:00"


def test_environment_functions_receive_arguments_as_given() -> None:
    calls: list[tuple[tuple[Any, ...], dict[str, Any]]] = []

    def kv(*args: Any, **kwargs: Any) -> str:
        calls.append((args, kwargs))
        return "v"

    env = Environment(functions={"kv": kv})
    assert render("{{ kv('KEY', namespace='ns', errorOnMissing=true) }}", {}, env=env) == "v"
    assert calls == [(("KEY",), {"namespace": "ns", "errorOnMissing": True})]


def test_environment_can_add_custom_functions() -> None:
    env = Environment(functions={"double": lambda x: x * 2})
    assert render("{{ double(21) }}", {}, env=env) == "42"


def test_render_depth_is_bounded_by_the_environment() -> None:
    env = Environment(max_render_depth=3)
    context = {"a": "{{ b }}", "b": "{{ a }}"}
    with pytest.raises(ExpressionError, match="Too many rendering attempts"):
        render("{{ render(a) }}", context, env=env)


def test_mapping_contexts_other_than_dict() -> None:
    assert render("{{ a.b }}", MappingProxyType({"a": MappingProxyType({"b": 1})})) == "1"


def test_to_string_prints_like_a_template() -> None:
    assert expr.to_string({"a": [1, None, 2.0]}) == '{"a":[1,null,2.0]}'
    assert expr.to_string(None) == ""


def test_a_failing_clock_is_reported_as_an_expression_error() -> None:
    def broken() -> dt.datetime:
        raise RuntimeError("clock unplugged")

    with pytest.raises(ExpressionError, match="clock unplugged"):
        render("{{ now() }}", {}, env=Environment(clock=broken))


def test_one_template_renders_from_many_threads() -> None:
    template = compile_template("{% for i in range(1, n) %}{{ i }}{% endfor %}")

    def work(n: int) -> str:
        return template.render({"n": n})

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(work, range(1, 200)))
    assert results == ["".join(str(i) for i in range(1, n + 1)) for n in range(1, 200)]
