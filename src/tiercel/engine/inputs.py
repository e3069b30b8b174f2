"""Typed execution inputs: the raw values a user gives, checked and typed as a flow declares.

This follows Kestra's ``FlowInputOutput``: each declared input takes its given value, else its
``defaults`` (rendered when it is an expression, as Kestra 1.0 does), else is missing, which is
an error when the input is required and a null value when it is not. The value is then typed
and checked against the input's own rules (bounds, pattern, allowed values). Undeclared values
are ignored. Ids with dots nest (``a.b`` is ``inputs.a.b``). Unlike Kestra, which stops at the
first bad input, every problem is reported at once.
"""

import json
import re
from collections.abc import Callable, Mapping, Sequence
from contextlib import suppress
from functools import partial
from typing import Any

from tiercel.engine.input_types import (
    COERCERS,
    InvalidValue,
    format_duration,
    format_instant,
    format_time,
    is_email,
    java_str,
    parse_date,
    parse_duration,
    parse_instant,
    parse_time,
    shown,
    to_list,
)
from tiercel.model.input import (
    ArrayInput,
    DateInput,
    DateTimeInput,
    DurationInput,
    EmailInput,
    EnumInput,
    FileInput,
    FloatInput,
    Input,
    InputType,
    IntInput,
    MultiselectInput,
    SecretInput,
    SelectInput,
    StringInput,
    TimeInput,
)
from tiercel.model.property import is_expression
from tiercel.model.secrets import ENCRYPTED_TYPE, MASK, is_encrypted

Render = Callable[[Any], Any]
StoreFile = Callable[[str, Any], str]
Seal = Callable[[str], Any]

_NOTHING = object()


class InputError(ValueError):
    """Some given inputs are missing or invalid; the execution must not be created.

    Attributes:
        problems: Every problem found, as ``(input id, message)`` pairs in declaration order.
            Each message names its input, as Kestra's do: "Invalid input for `count`, it must
            be an integer, but received `abc`".
    """

    def __init__(self, problems: Sequence[tuple[str, str]]) -> None:
        self.problems: list[tuple[str, str]] = list(problems)
        super().__init__("\n".join(f"{key}: {message}" for key, message in self.problems))


class _Refused(Exception):
    """One input's problem, its message already complete."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _message(input_: Input, reason: str, received: Any = _NOTHING) -> str:
    text = f"Invalid input for `{input_.key}`, {reason}"
    if received is _NOTHING:
        return text
    secret = isinstance(input_, SecretInput) and received is not None
    return f"{text}, but received `{MASK if secret else shown(received)}`"


def resolve_inputs(
    inputs: Sequence[Input],
    given: Mapping[str, Any],
    *,
    render: Render,
    store_file: StoreFile | None = None,
    seal: Seal | None = None,
    render_with: Callable[[str, Mapping[str, Any]], Any] | None = None,
) -> dict[str, Any]:
    """Type and check the inputs of a new execution.

    Args:
        inputs: The flow's declared inputs (``flow.inputs`` or an empty list).
        given: The raw values by input id: text from a CLI or form, or typed values from JSON
            or YAML. A None value counts as not given.
        render: Renders an input's ``defaults`` when it is an expression, and a SELECT's or
            MULTISELECT's ``expression``. Whatever it raises becomes a problem of that input.
        store_file: Uploads a FILE input's value to internal storage and returns its
            ``kestra://`` URI. Without it, FILE values other than ``kestra://`` URIs are
            refused. ``OSError`` and ``ValueError`` it raises become problems of that input.
        seal: Encrypts a SECRET input's checked value into what the execution stores (Kestra's
            encrypted map). A value given already encrypted (a parent passing its own SECRET
            input to a subflow) is kept as it is.
        render_with: Renders a text with the inputs typed so far (``inputs`` in its context).
            Given, it renders each input's expressions (``defaults``, ``expression``) and its
            ``dependsOn.condition``, and an input whose ``dependsOn`` inputs have no value or
            whose condition is not true is disabled, as in Kestra: left out, neither required
            nor checked.

    Returns:
        The typed values, ready to be stored as JSON: dotted ids nested into maps, top-level
        keys sorted as Kestra's ``TreeMap`` sorts them. An optional input with no value is
        present with None.

    Raises:
        InputError: At least one input is missing or invalid; it lists every problem.
    """
    problems: list[tuple[str, str]] = []
    values: dict[str, Any] = {}
    for input_ in inputs:
        key = input_.key
        if key in values or any(key == known for known, _ in problems):
            continue  # a repeated id: the first declaration wins, as in Kestra
        here = render if render_with is None else partial(_with, render, render_with, values)
        try:
            if render_with is not None and not _enabled(input_, values, render_with):
                continue
            value = _resolve(input_, given.get(key), here, store_file)
            if isinstance(input_, SecretInput) and seal is not None and isinstance(value, str):
                value = seal(value)
            values[key] = value
        except _Refused as refusal:
            problems.append((key, refusal.message))
    nested = _nest(values, problems)
    if problems:
        raise InputError(problems)
    return nested


def _with(
    render: Render, render_with: Callable[[str, Mapping[str, Any]], Any], values: Any, value: Any
) -> Any:
    return render_with(value, values) if isinstance(value, str) else render(value)


def _enabled(
    input_: Input, values: Mapping[str, Any], condition: Callable[[str, Mapping[str, Any]], Any]
) -> bool:
    """Whether an input's ``dependsOn`` holds: its inputs have values, its condition is true."""
    depends = input_.depends_on
    if depends is None:
        return True
    if not all(_holds(values.get(other)) for other in depends.inputs or []):
        return False
    if depends.condition is None:
        return True
    try:
        result = condition(depends.condition, values)
    except Exception as exc:  # the caller's renderer: any failure is this input's problem
        reason = f"cannot render its `dependsOn.condition` ({exc})"
        raise _Refused(_message(input_, reason)) from None
    return result is True or (isinstance(result, str) and result.strip().lower() == "true")


def _holds(value: Any) -> bool:
    return value is not None and value != "" and value != []


def _resolve(input_: Input, raw: Any, render: Render, store_file: StoreFile | None) -> Any:
    if isinstance(input_, SecretInput) and (sealed := _sealed(raw)) is not None:
        return sealed
    choices = _choices(input_, render)
    if raw is None:
        raw = _default(input_, choices, render)
    if raw is None:
        if input_.required:
            raise _Refused(_message(input_, "missing required input", None))
        return None
    try:
        value = _coerce(input_, raw, partial(_store, input_, store_file))
        _check(input_, value, choices)
    except InvalidValue as exc:
        raise _Refused(_message(input_, str(exc), raw)) from None
    return value


def _sealed(raw: Any) -> Any:
    """A SECRET input given already encrypted, as a map or as its JSON text: the map."""
    if isinstance(raw, str) and raw.startswith("{") and ENCRYPTED_TYPE in raw:
        with suppress(ValueError):
            raw = json.loads(raw)
    return raw if is_encrypted(raw) else None


def _default(input_: Input, choices: list[str] | None, render: Render) -> Any:
    default = input_.defaults
    if default is None and isinstance(input_, SelectInput) and input_.auto_select_first:
        return choices[0] if choices else None
    if is_expression(default):
        try:
            return render(default)
        except Exception as exc:  # the caller's renderer: any failure is this input's problem
            raise _Refused(_message(input_, f"cannot render its `defaults` ({exc})")) from None
    return default


def _choices(input_: Input, render: Render) -> list[str] | None:
    """The values a SELECT, ENUM or MULTISELECT accepts; None when any value goes."""
    if isinstance(input_, EnumInput):
        return input_.values
    if not isinstance(input_, SelectInput | MultiselectInput):
        return None
    listed = input_.values
    if isinstance(input_, MultiselectInput):
        if input_.values is not None and input_.options is not None:
            raise _Refused(_message(input_, "you can't define both `values` and `options`"))
        listed = input_.values if input_.values is not None else input_.options
    if input_.expression is None:
        return listed
    try:
        result = render(input_.expression)
    except Exception as exc:  # the caller's renderer: any failure is this input's problem
        raise _Refused(_message(input_, f"Cannot render 'expression'. Cause: {exc}")) from None
    if isinstance(result, str):
        with suppress(ValueError):  # a renderer that prints its result gives JSON text
            result = json.loads(result)
    if not isinstance(result, list):
        kind = "<null>" if result is None else type(result).__name__
        reason = f"Invalid expression result. Expected a list of strings, but received {kind}"
        raise _Refused(_message(input_, reason))
    return [java_str(item) for item in result if item is not None]


def _coerce(input_: Input, raw: Any, store: Callable[[Any], str]) -> Any:
    if isinstance(input_, FileInput):
        return store(raw)
    if isinstance(input_, ArrayInput | MultiselectInput):
        return _items(input_.item_type, to_list(raw), store)
    return COERCERS[input_.type](raw)


def _items(item_type: InputType, items: list[Any], store: Callable[[Any], str]) -> list[Any]:
    if item_type is InputType.FILE:
        coerce: Callable[[Any], Any] = store
    elif item_type in COERCERS:
        coerce = COERCERS[item_type]
    else:
        raise InvalidValue(f"`itemType` cannot be `{item_type}`")
    typed = []
    for item in items:
        try:
            typed.append(coerce(item))
        except InvalidValue:
            raise InvalidValue(
                f"Unable to parse array element as `{item_type}` on `{shown(item)}`"
            ) from None
    return typed


def _store(input_: Input, store_file: StoreFile | None, raw: Any) -> str:
    if isinstance(input_, FileInput) and input_.allowed_file_extensions and isinstance(raw, str):
        allowed = [
            ext if ext.startswith(".") else f".{ext}" for ext in input_.allowed_file_extensions
        ]
        name = raw.replace("\\", "/").rsplit("/", 1)[-1].lower()
        if not any(name.endswith(ext.lower()) for ext in allowed):
            raise InvalidValue(f"the file extension must be one of `{java_str(allowed)}`")
    if isinstance(raw, str) and raw.startswith("kestra://"):
        return raw  # already in internal storage
    if store_file is None:
        raise InvalidValue("a file cannot be uploaded here: no internal storage is available")
    try:
        return store_file(input_.key, raw)
    except (OSError, ValueError) as exc:
        raise InvalidValue(f"the file cannot be stored ({exc})") from None


def _check(input_: Input, value: Any, choices: list[str] | None) -> None:
    """Apply the rules an input type declares beyond its type; raise ``InvalidValue``."""
    if isinstance(input_, StringInput | SecretInput):
        if input_.validator is not None and re.fullmatch(input_.validator, value) is None:
            raise InvalidValue(f"it must match the pattern `{input_.validator}`")
    elif isinstance(input_, IntInput | FloatInput):
        _bounds(value, input_.min, input_.max, java_str)
    elif isinstance(input_, DurationInput):
        low, high = _bound(input_, "min", parse_duration), _bound(input_, "max", parse_duration)
        _bounds(parse_duration(value), low, high, format_duration, capital=True)
    elif isinstance(input_, DateTimeInput):
        _dates(input_, parse_instant(value), parse_instant, format_instant)
    elif isinstance(input_, DateInput):
        _dates(input_, parse_date(value), parse_date, lambda day: day.isoformat())
    elif isinstance(input_, TimeInput):
        _dates(input_, parse_time(value), parse_time, format_time)
    elif isinstance(input_, EmailInput):
        if not is_email(value):
            raise InvalidValue("The input must be a valid email")
    elif isinstance(input_, SelectInput | EnumInput | MultiselectInput):
        custom = isinstance(input_, SelectInput | MultiselectInput) and input_.allow_custom_value
        picked = value if isinstance(value, list) else [value]
        if choices is not None and not custom and any(java_str(i) not in choices for i in picked):
            raise InvalidValue(f"it must match the values `{java_str(choices)}`")


def _bound(input_: Input, name: str, parse: Callable[[Any], Any]) -> Any:
    text = getattr(input_, name)
    if text is None:
        return None
    try:
        return parse(text)
    except InvalidValue:
        raise _Refused(_message(input_, f"its `{name}` `{text}` cannot be read")) from None


def _bounds(
    value: Any, low: Any, high: Any, show: Callable[[Any], str], *, capital: bool = False
) -> None:
    it = "It" if capital else "it"  # Kestra's DURATION messages start with a capital
    if low is not None and value < low:
        raise InvalidValue(f"{it} must be more than `{show(low)}`")
    if high is not None and value > high:
        raise InvalidValue(f"{it} must be less than `{show(high)}`")


def _dates(
    input_: DateTimeInput | DateInput | TimeInput,
    value: Any,
    parse: Callable[[Any], Any],
    show: Callable[[Any], str],
) -> None:
    after, before = _bound(input_, "after", parse), _bound(input_, "before", parse)
    if after is not None and value < after:
        raise InvalidValue(f"it must be after `{show(after)}`")
    if before is not None and value > before:
        raise InvalidValue(f"it must be before `{show(before)}`")


def _path(key: str) -> list[str]:
    parts = key.split(".")
    while len(parts) > 1 and not parts[-1]:
        parts.pop()  # Java's String.split drops trailing empty parts
    return parts


def _nest(values: dict[str, Any], problems: list[tuple[str, str]]) -> dict[str, Any]:
    """Turn dotted ids into nested maps; an id that is a prefix of another is a problem."""
    paths = {key: tuple(_path(key)) for key in values}
    owners: dict[tuple[str, ...], str] = {}
    for key in sorted(values, key=lambda k: len(paths[k])):
        path = paths[key]
        clash = next(
            (owners[path[:n]] for n in range(1, len(path) + 1) if path[:n] in owners), None
        )
        if clash is not None:
            problems.append((key, f"Invalid input for `{key}`, its id conflicts with `{clash}`"))
        owners[path] = key
    result: dict[str, Any] = {}
    for key in sorted(values):
        *parents, last = paths[key]
        node = result
        for part in parents:
            node = node.setdefault(part, {})
            if not isinstance(node, dict):
                break
        else:
            node.setdefault(last, values[key])
    return result
