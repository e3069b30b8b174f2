"""Functions (``range``, ``now``, ``fromJson``, ``render``...) and tests (``is even``...).

A function is ``f(rt, *args)`` with Pebble's argument names. Functions that need the outside
world are not here: the compiler forwards them to ``Environment.functions``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

import yaml

from tiercel.expr import dates
from tiercel.expr.errors import ExpressionError
from tiercel.expr.filters import is_empty
from tiercel.expr.ion import IonError, loads_all
from tiercel.expr.javatypes import is_number
from tiercel.expr.kestra_filters import parse_json
from tiercel.expr.runtime import Runtime
from tiercel.expr.values import compare, java_equals, optional_str, type_name
from tiercel.expr.yaml_text import TextDatesLoader

FUNCTIONS: dict[str, Callable[..., Any]] = {}
TESTS: dict[str, Callable[..., bool]] = {}


def function(*names: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register a function under one or more names."""

    def add(implementation: Callable[..., Any]) -> Callable[..., Any]:
        for name in names:
            FUNCTIONS[name] = implementation
        return implementation

    return add


# --- Pebble ----------------------------------------------------------------------------------


def _range_bound(value: Any) -> int:
    if is_number(value):
        return int(value)
    if isinstance(value, str) and len(value) == 1:
        return ord(value)
    raise ExpressionError(
        "Arguments of range function must be of type Number or String with a length of 1"
    )


@function("range")
def range_(rt: Runtime, start: Any = None, end: Any = None, increment: Any = None) -> list[Any]:
    """Pebble's inclusive ``range``, over numbers or characters."""
    return inclusive_range(start, end, increment)


def inclusive_range(start: Any, end: Any, increment: Any) -> list[Any]:
    """``range(start, end, increment)`` and the ``..`` operator: both ends included."""
    step = 1 if increment is None else increment
    if not is_number(step):
        raise ExpressionError(f"The increment of the range function must be a number {step}")
    step = int(step)
    if step == 0:
        raise ExpressionError("The increment of the range function must be different than 0")
    chars = isinstance(start, str) and isinstance(end, str)
    low, high = _range_bound(start), _range_bound(end)
    if chars != isinstance(start, str) or isinstance(start, str) != isinstance(end, str):
        raise ExpressionError(
            "Arguments of range function must be of type Number or String with a length of 1"
        )
    numbers = range(low, high + (1 if step > 0 else -1), step)
    if len(numbers) > 10_000_000:
        raise ExpressionError("range is too large")
    return [chr(i) for i in numbers] if chars else list(numbers)


def _extreme(args: tuple[Any, ...], op: str) -> Any:
    best: Any = None
    for candidate in args:
        if best is None or compare(candidate, best, op):
            best = candidate
    return best


@function("max")
def max_(rt: Runtime, *args: Any) -> Any:
    return _extreme(args, ">")


@function("min")
def min_(rt: Runtime, *args: Any) -> Any:
    return _extreme(args, "<")


# --- Kestra ----------------------------------------------------------------------------------


@function("now")
def now(
    rt: Runtime,
    format: Any = None,
    timeZone: Any = None,
    existingFormat: Any = None,
    locale: Any = None,
) -> Any:
    """The caller's clock, formatted like the ``date`` filter (``iso`` by default)."""
    clock = rt.env.clock
    if clock is None:
        raise ExpressionError("function 'now' is not available here: no clock was given")
    return dates.render_date(
        clock(),
        optional_str(format),
        optional_str(timeZone),
        None,
        rt.env.time_zone,
    )


@function("fromJson", "json", "jsonDecode")
def from_json(rt: Runtime, json: Any = None) -> Any:
    return parse_json(json, "fromJson")


@function("yaml")
def from_yaml(rt: Runtime, yaml: Any = None) -> Any:
    if not isinstance(yaml, str):
        raise ExpressionError("The 'yaml' function expects an argument 'yaml' with type string.")
    try:
        return _load_yaml(yaml)
    except Exception as exc:
        raise ExpressionError(f"Invalid yaml: {exc}") from exc


def _load_yaml(text: str) -> Any:
    return yaml.load(text, Loader=TextDatesLoader)


@function("fromIon", "ionDecode")
def from_ion_function(rt: Runtime, ion: Any = None) -> Any:
    if ion is None:
        return None
    if not isinstance(ion, str):
        raise ExpressionError("The 'fromIon' function expects an argument 'ion' with type string.")
    try:
        values = loads_all(ion)
    except IonError as exc:
        raise ExpressionError(f"Invalid Ion: {exc}") from None
    # Several top-level values (an Ion file's lines) come back as a list of them.
    if not values:
        return None
    return values[0] if len(values) == 1 else values


@function("printContext", "fetchContext")
def print_context(rt: Runtime) -> Any:
    """Every variable the caller gave (not the template's own ``set`` ones)."""
    return dict(rt.globals)


@function("currentEachOutput")
def current_each_output(rt: Runtime, outputs: Any = None) -> Any:
    """The sibling's output for the current ``EachSequential`` iteration, however deep."""
    if not isinstance(outputs, Mapping):
        raise ExpressionError(
            "The 'currentEachOutput' function expects an argument 'outputs' with type map."
        )
    parents = rt.globals.get("parents") or []
    for parent in reversed(list(parents)):
        taskrun = parent.get("taskrun") if isinstance(parent, Mapping) else None
        if isinstance(taskrun, Mapping) and taskrun.get("value") is not None:
            nested = outputs.get(taskrun.get("value"))
            if not isinstance(nested, Mapping):
                raise ExpressionError("No execution outputs for the current task runs path")
            outputs = nested
    taskrun = rt.globals.get("taskrun")
    return outputs.get(taskrun.get("value")) if isinstance(taskrun, Mapping) else None


def render_once(rt: Runtime, value: Any) -> Any:
    """Render a string once with the caller's variables; maps and lists item by item."""
    if isinstance(value, str):
        if "{" not in value:
            return value
        return Runtime.compile(value).render_with(rt.child(rt.globals))
    if isinstance(value, Mapping):
        return {render_once(rt, k): render_once(rt, v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [render_once(rt, item) for item in value]
    return value


@function("render")
def render(rt: Runtime, template: Any = None, recursive: Any = True) -> Any:
    """Kestra's ``render``: re-render until stable (or once with ``recursive=false``)."""
    if recursive is not True and recursive is not False:
        raise ExpressionError(
            "The 'render' function expects an optional argument 'recursive' with type boolean."
        )
    if not recursive:
        return render_once(rt, template)
    current = template
    for _ in range(rt.env.max_render_depth + 1):
        rendered = render_once(rt, current)
        if rendered is None or java_equals(rendered, current):
            return rendered
        current = rendered
    raise ExpressionError("Too many rendering attempts")


@function("renderOnce")
def render_once_function(rt: Runtime, template: Any = None) -> Any:
    return render_once(rt, template)


# --- tests -----------------------------------------------------------------------------------


def test(name: str) -> Callable[[Callable[..., bool]], Callable[..., bool]]:
    """Register an ``is`` test."""

    def add(implementation: Callable[..., bool]) -> Callable[..., bool]:
        TESTS[name] = implementation
        return implementation

    return add


@test("null")
def is_null(rt: Runtime, value: Any) -> bool:
    return value is None


@test("empty")
def is_empty_test(rt: Runtime, value: Any) -> bool:
    return is_empty(value)


def _parity(value: Any, name: str) -> int:
    if value is None:
        raise ExpressionError(f'Can not pass null value to "{name}" test.')
    if not is_number(value):
        raise ExpressionError(f'The "{name}" test expects a number, got {type_name(value)}')
    return int(value) % 2


@test("even")
def is_even(rt: Runtime, value: Any) -> bool:
    return _parity(value, "even") == 0


@test("odd")
def is_odd(rt: Runtime, value: Any) -> bool:
    return _parity(value, "odd") == 1


@test("iterable")
def is_iterable(rt: Runtime, value: Any) -> bool:
    return isinstance(value, list | tuple | set | frozenset)


@test("map")
def is_map(rt: Runtime, value: Any) -> bool:
    return isinstance(value, Mapping)


@test("json")
def is_json(rt: Runtime, value: Any) -> bool:
    """Kestra's ``json`` test: a map, a list, or a string holding valid JSON."""
    if isinstance(value, Mapping | list | tuple):
        return True
    if not isinstance(value, str):
        return False
    try:
        json.loads(value)
    except ValueError:
        return False
    return True


@test("defined")
def is_defined(rt: Runtime, value: Any) -> bool:
    # The compiler evaluates the operand itself so an undefined one yields false.
    return value is not None
