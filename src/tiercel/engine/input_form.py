"""The Execute form's inputs checked as the user fills them in: Kestra's
``validateExecutionInputs``.

Each input is looked at in the flow's order, with the values of those before it: it is enabled
when the inputs it ``dependsOn`` have values and its ``condition`` renders true; a SELECT's or
MULTISELECT's ``expression`` is rendered into its choices; its value (given, else its default)
is typed and checked, each problem kept with it rather than raised. A disabled input has no
value and no problem: the form hides it.
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from tiercel.engine.inputs import _choices, _enabled, _Refused, _resolve
from tiercel.model.input import FileInput, Input

RenderWith = Callable[[Any, Mapping[str, Any]], Any]
"""Renders a value with the inputs typed so far (``inputs`` in the expression context)."""


@dataclass(frozen=True)
class InputState:
    """One input as the form should show it (Kestra's ``InputAndValue``)."""

    input: Input
    value: Any = None
    enabled: bool = True
    is_default: bool = False
    choices: list[str] | None = None
    errors: list[str] = field(default_factory=list)


def check_inputs(
    inputs: Sequence[Input], given: Mapping[str, Any], *, render: RenderWith
) -> list[InputState]:
    """Every input's state for these raw values (a form's fields; None or absent: not given).

    A FILE input counts as given when a value is sent for it; it is not stored here.
    """
    values: dict[str, Any] = {}
    states: list[InputState] = []
    for input_ in inputs:
        key = input_.key

        def here(value: Any) -> Any:
            return render(value, values)

        try:
            enabled = _enabled(input_, values, render)
        except _Refused as refusal:
            states.append(InputState(input_, errors=[refusal.message]))
            continue
        if not enabled:
            states.append(InputState(input_, enabled=False))
            continue
        raw = given.get(key)
        errors: list[str] = []
        choices: list[str] | None = None
        value: Any = None
        try:
            choices = _choices(input_, here)
            if isinstance(input_, FileInput) and raw is not None:
                value = raw
            else:
                value = _resolve(input_, raw, here, None)
        except _Refused as refusal:
            errors.append(refusal.message)
        values[key] = value
        states.append(
            InputState(input_, value, True, raw is None and value is not None, choices, errors)
        )
    return states
